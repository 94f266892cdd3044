/**
 * Browser pages: Thymeleaf page controllers for the topology editor, programs, runs and
 * labs, plus the small helpers those pages need (YAML/JSON conversion of a topology
 * document, the CSRF token and login state in every page's model). The pages call the
 * public JSON API for everything else.
 */
package dev.bpfnet.server.views;

package dev.bpfnet.server.views;

import dev.bpfnet.server.api.Ids;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The browser pages. Each page is a Thymeleaf template with a plain ES module that talks
 * to the JSON API ({@code /api/topologies}, {@code /api/programs}, {@code /api/runs});
 * the controllers only pass ids and the page kind.
 */
@Controller
class BrowserPages {

	@GetMapping("/topologies")
	String topologies(Model model) {
		model.addAttribute("page", "topologies");
		return "topologies";
	}

	@GetMapping("/topologies/new")
	String newTopology(Model model) {
		model.addAttribute("page", "topologies");
		model.addAttribute("topologyId", "");
		model.addAttribute("shareToken", "");
		return "topology-editor";
	}

	@GetMapping("/topologies/{id}")
	String topology(@PathVariable String id, Model model) {
		model.addAttribute("page", "topologies");
		model.addAttribute("topologyId", Ids.looksValid(id) ? id : "");
		model.addAttribute("shareToken", "");
		return "topology-editor";
	}

	/** A shared topology, read-only in the editor. */
	@GetMapping("/shared/{token}")
	String shared(@PathVariable String token, Model model) {
		model.addAttribute("page", "topologies");
		model.addAttribute("topologyId", "");
		model.addAttribute("shareToken", token.matches("[A-Za-z0-9_-]{1,128}") ? token : "");
		return "topology-editor";
	}

	@GetMapping("/programs")
	String programs(Model model) {
		model.addAttribute("page", "programs");
		return "programs";
	}

	@GetMapping("/programs/{id}")
	String program(@PathVariable String id, Model model) {
		model.addAttribute("page", "programs");
		model.addAttribute("programId", Ids.looksValid(id) ? id : "");
		return "program";
	}

	@GetMapping("/runs")
	String runs(Model model) {
		model.addAttribute("page", "runs");
		return "runs";
	}

	/** One run: live view, controls, packets and their paths. */
	@GetMapping("/runs/{id}")
	String run(@PathVariable String id, Model model) {
		model.addAttribute("page", "runs");
		model.addAttribute("runId", Ids.looksValid(id) ? id : "");
		return "run";
	}

	/** Two runs side by side: latency, CPU time by context, path differences. */
	@GetMapping("/compare")
	String compare(@RequestParam(required = false) String a, @RequestParam(required = false) String b, Model model) {
		model.addAttribute("page", "runs");
		model.addAttribute("runA", (a != null && Ids.looksValid(a)) ? a : "");
		model.addAttribute("runB", (b != null && Ids.looksValid(b)) ? b : "");
		return "compare";
	}

	@GetMapping("/labs")
	String labs(Model model) {
		model.addAttribute("page", "labs");
		return "labs";
	}

	/**
	 * One lab: instructions beside its topologies, steps with run and check actions
	 * ({@code js/lab.js}). Public, as the labs API.
	 */
	@GetMapping("/labs/{id}")
	String lab(@PathVariable String id, Model model) {
		model.addAttribute("page", "labs");
		model.addAttribute("labId", id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}") ? id : "");
		return "lab";
	}

}

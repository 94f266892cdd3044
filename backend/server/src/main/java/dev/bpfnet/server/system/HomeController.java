package dev.bpfnet.server.system;

import dev.bpfnet.bpf.isa.Opcodes;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The start page: what the service is and whether it is up. */
@Controller
class HomeController {

	@GetMapping("/")
	String home(Model model) {
		model.addAttribute("stackBytes", Opcodes.STACK_SIZE);
		return "index";
	}

}

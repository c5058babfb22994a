#!/usr/bin/env node
// The installed command: hands argv to the compiled CLI and exits with its status.
import { main } from "../dist/src/cli/main.js";

main();

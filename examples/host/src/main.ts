import { runHostProcess } from "./runtime/run-host-process.js";

void runHostProcess();

#!/usr/bin/env node
// The command's entry stands outside dist so that a workspace install, before anything is built, can link it
// (package managers warn about a bin whose file does not exist yet). It runs the built command.
import "../dist/bin/neonhub-migrate.js";

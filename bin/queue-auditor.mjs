#!/usr/bin/env node
// Runs the TypeScript CLI without a build step, so `npx queue-auditor` works right after `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("./queue-auditor.ts");

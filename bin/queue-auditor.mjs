#!/usr/bin/env node
// Runs the TypeScript CLI without a build step, so `npx queue-auditor` works right after `npm ci`.
import { register } from "tsx/esm/api";

// The SDK warns on every run that it will need Node.js 22 from 2027; the README says so once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("./queue-auditor.ts");

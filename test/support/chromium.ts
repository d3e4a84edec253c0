/** Debian's Chromium for browser tests, started so it makes no connection of its own. */
import { type Browser, chromium } from "playwright-core";
import { commandUnavailable } from "./services.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumUnavailable(): string | undefined {
  return commandUnavailable("chromium");
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Starts the fauxqs SQS emulator bound to 127.0.0.1 only (its own CLI listens on every interface).
// Usage: node fauxqs-server.mjs [port]   (or FAUXQS_PORT); FAUXQS_LOGGER=true for request logs.
import { buildApp } from "fauxqs";

const port = Number.parseInt(process.argv[2] ?? process.env.FAUXQS_PORT ?? "", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("fauxqs-server: pass the port as the first argument or FAUXQS_PORT (1-65535).");
  process.exit(2);
}

const region = process.env.FAUXQS_DEFAULT_REGION ?? "us-east-1";
const app = buildApp({ logger: process.env.FAUXQS_LOGGER === "true", defaultRegion: region });

let closing = false;
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  try {
    await app.close();
  } finally {
    console.log(`fauxqs-server: stopped (${signal})`);
    process.exit(0);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

try {
  const address = await app.listen({ port, host: "127.0.0.1" });
  console.log(`fauxqs-server: ready at ${address} (region ${region})`);
} catch (error) {
  console.error(`fauxqs-server: cannot listen on 127.0.0.1:${port}: ${error?.message ?? error}`);
  process.exit(1);
}

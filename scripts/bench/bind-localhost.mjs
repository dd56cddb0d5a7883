// Preloaded into Portkey's gateway (`node --import ./scripts/bench/bind-localhost.mjs …`):
// its start script calls `server.listen(port, undefined, cb)`, which serves on every
// interface. A listen without a host is pointed at 127.0.0.1 instead.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (args.length === 1 || typeof args[1] === "function") args.splice(1, 0, "127.0.0.1");
    else if (args[1] === undefined || args[1] === null || args[1] === "0.0.0.0" || args[1] === "::")
      args[1] = "127.0.0.1";
  } else if (
    typeof args[0] === "object" &&
    args[0] !== null &&
    args[0].port !== undefined &&
    !args[0].host &&
    !args[0].path
  ) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};

// What digestguard uses of undici (Agent, the proxy agents and Dispatcher#request), without
// undici's index, which also loads fetch, WebSocket, cookies, the mock and
// cache layers: about 250 ms of start-up against about 40 ms for these three.
// The bundle maps `import ... from "undici"` to this file; the full package is
// still what the library (dist/src) and the tests load.
const Agent = require("undici/lib/dispatcher/agent");
const Dispatcher = require("undici/lib/dispatcher/dispatcher");
// For HTTP_PROXY/HTTPS_PROXY/NO_PROXY (CONNECT tunnels through a proxy).
const EnvHttpProxyAgent = require("undici/lib/dispatcher/env-http-proxy-agent");
const ProxyAgent = require("undici/lib/dispatcher/proxy-agent");

// undici's index adds request/stream/pipeline/... to every dispatcher this way.
Object.assign(Dispatcher.prototype, require("undici/lib/api"));

module.exports = { Agent, Dispatcher, EnvHttpProxyAgent, ProxyAgent };

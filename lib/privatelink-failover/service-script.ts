// The small HTTP service the provider instances run: Python 3 standard library only, because the
// instances live in isolated subnets and cannot install packages. Exported so tests can run it.

/** The server program. Reads PORT, SERVICE_REGION and SERVICE_NAME from its environment. */
export const SERVICE_PROGRAM = `import json
import os
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
REGION = os.environ.get("SERVICE_REGION", "unknown")
NAME = os.environ.get("SERVICE_NAME", "service")


class Handler(BaseHTTPRequestHandler):
    server_version = "privatelink-failover/1"

    def _send(self, code, body, content_type):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._send(200, "ok\\n", "text/plain")
        elif self.path == "/":
            body = {"service": NAME, "region": REGION, "host": socket.gethostname()}
            self._send(200, json.dumps(body) + "\\n", "application/json")
        else:
            self._send(404, "not found\\n", "text/plain")

    do_HEAD = do_GET

    def log_message(self, fmt, *args):
        # The load balancer checks /health every few seconds; logging each check would flood the journal.
        pass


server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"listening on {PORT}", flush=True)
server.serve_forever()
`;

export interface ServiceUserDataOptions {
  /** The port the service listens on. */
  readonly port: number;
  /** The instance's Region. */
  readonly region: string;
  /** Name of the service (in its answers and logs). */
  readonly serviceName: string;
}

/** Shell commands (for EC2 user data) that install the program as a hardened systemd service. */
export function serviceInstallCommands(options: ServiceUserDataOptions): string[] {
  const unit = [
    '[Unit]',
    'Description=PrivateLink failover HTTP service',
    'After=network-online.target',
    '',
    '[Service]',
    `Environment=PORT=${options.port} SERVICE_REGION=${options.region} SERVICE_NAME=${options.serviceName}`,
    'ExecStart=/usr/bin/python3 /opt/privatelink-service/server.py',
    // No login user and no root: systemd allocates a throw-away user for the process.
    'DynamicUser=yes',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'Restart=always',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
  return [
    'set -euo pipefail',
    'install -d -m 0755 /opt/privatelink-service',
    `cat > /opt/privatelink-service/server.py <<'PROGRAM'\n${SERVICE_PROGRAM}PROGRAM`,
    `cat > /etc/systemd/system/privatelink-service.service <<'UNIT'\n${unit}\nUNIT`,
    'systemctl daemon-reload',
    'systemctl enable --now privatelink-service.service',
  ];
}

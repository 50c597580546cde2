"""`make run`: migrate, seed demo data, start the provincial system and the national sandbox.

Ports come from PROVINCE_PORT (8000) and SANDBOX_PORT (8001); data lives in var/.
Ctrl-C stops both servers.
"""

from __future__ import annotations

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bin.stack import API_DEMO_CLIENT_ID, API_DEMO_CLIENT_SECRET, REPO, Stack

BANNER = """
==========================================================================
 Cổng Dịch vụ công tỉnh (provincial portal) .. {province}/
   Bộ thủ tục (procedure catalogue) .......... {province}/thu-tuc/
   Một cửa điện tử (officer back office) ..... {province}/motcua/
 Sandbox quốc gia (national SSO + VNeID) ..... {sandbox}/
   Ứng dụng VNeID mô phỏng (phone app) ....... {sandbox}/app/
   Hộp thư SMS (phone inbox, OTP codes) ...... {sandbox}/dev/sms/
   OIDC discovery ............................ {sandbox}/oauth2/.well-known/openid-configuration

 Demo accounts (more in README.md):
   VNeID   số định danh 001099012345 · mật khẩu Vneid@2024 · NGUYỄN VĂN AN, mức 2
           phone 0912345678 · VNeID app passcode 123456
   Officer admin.motcua · Motcua@2024 (phone 0987000001); NGUYỄN VĂN AN holds
           an.tuphap and an.motcua (same password, or VNeID as above)
   The SMS codes arrive at {sandbox}/dev/sms/?to=<phone>
   API (docs/api.md) ........ {province}/api/v1/docs · token {province}/api/oauth/token/
           demo kiosk client_id {api_client_id} · client_secret {api_client_secret}

 Ctrl-C stops both servers.
==========================================================================
"""


def main() -> None:
    stack = Stack(
        var_dir=REPO / "var",
        province_port=int(os.environ.get("PROVINCE_PORT", "8000")),
        sandbox_port=int(os.environ.get("SANDBOX_PORT", "8001")),
        workers=int(os.environ.get("RUN_WORKERS", "2")),
    )
    print("== Preparing the national sandbox and the provincial system (migrate, seed)")
    stack.prepare()

    def stop(*_: object) -> None:
        stack.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    stack.start()
    print(
        BANNER.format(
            province=stack.province_url,
            sandbox=stack.sandbox_url,
            api_client_id=API_DEMO_CLIENT_ID,
            api_client_secret=API_DEMO_CLIENT_SECRET,
        ),
        flush=True,
    )
    while True:
        for proc in stack.processes:
            if proc.poll() is not None:
                print(f"A server stopped (exit {proc.returncode}); stopping the other.")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()

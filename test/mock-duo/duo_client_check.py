"""Drive the standalone mock Duo with Duo's own Python client (Debian python3-duo-client).

An independent implementation of Duo's signing and envelopes: if it talks to our mock, the mock
speaks Duo. Run with /usr/bin/python3. Prints one JSON object: {"version": ..., "runs": [...]},
each run holding the raw answers (or errors) of a fixed list of calls; the node test asserts on them.

usage: duo_client_check.py --port N --ikey K --skey S [--host localhost] [--ca PATH|HTTP]
"""
import argparse
import hashlib
import json
import sys
import time

import duo_client


def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except RuntimeError as e:  # duo_client raises RuntimeError("Received 401 ...") with .status
        return {"ok": False, "status": getattr(e, "status", None), "error": str(e)}
    except Exception as e:  # noqa: BLE001 - report anything else as a failure too
        return {"ok": False, "status": None, "error": "%s: %s" % (type(e).__name__, e)}


def make(args, skey=None, **kw):
    return duo_client.Auth(ikey=args.ikey, skey=skey or args.skey, host=args.host,
                           port=args.port, ca_certs=args.ca, **kw)


def auth_v2_run(args, label, **kw):
    auth = make(args, **kw)
    out = {"label": label}
    out["ping"] = attempt(auth.ping)
    out["check"] = attempt(auth.check)
    out["preauth_alice"] = attempt(lambda: auth.preauth(username="alice", ipaddr="192.0.2.10"))
    out["preauth_unknown"] = attempt(lambda: auth.preauth(username="nobody"))
    out["preauth_dave"] = attempt(lambda: auth.preauth(username="dave"))
    out["preauth_erin"] = attempt(lambda: auth.preauth(username="erin"))
    out["push_alice"] = attempt(lambda: auth.auth(factor="push", username="alice", device="auto"))
    out["push_carol"] = attempt(lambda: auth.auth(factor="push", username="carol", device="auto"))
    out["passcode_alice"] = attempt(lambda: auth.auth(factor="passcode", username="alice", passcode="123456"))
    out["passcode_wrong"] = attempt(lambda: auth.auth(factor="passcode", username="alice", passcode="000000"))
    out["bypass_bob"] = attempt(lambda: auth.auth(factor="passcode", username="bob", passcode="987654321"))
    out["auth_dave"] = attempt(lambda: auth.auth(factor="push", username="dave", device="auto"))
    out["auth_erin"] = attempt(lambda: auth.auth(factor="push", username="erin", device="auto"))

    def async_push():
        txid = auth.auth(factor="push", username="alice", device="auto", async_txn=True)["txid"]
        statuses = []
        for _ in range(20):
            st = auth.auth_status(txid)
            statuses.append(st)
            if not st["waiting"]:
                break
        return statuses

    out["async_push_alice"] = attempt(async_push)
    out["wrong_skey"] = attempt(lambda: make(args, skey="x" * 40, **kw).check())
    return out


def rest_v1_run(args):
    """Signature v1 on Duo's proxy API, as duo_client signs it (it also sends a Date; v1 ignores it)."""
    client = duo_client.client.Client(ikey=args.ikey, skey=args.skey, host=args.host, port=args.port,
                                      ca_certs=args.ca, sig_version=1)
    out = {"label": "v1 /rest/v1"}
    out["preauth_alice"] = attempt(lambda: client.json_api_call(
        "POST", "/rest/v1/preauth", {"user": "alice", "ipaddr": "192.0.2.10", "failmode": "safe"}))
    out["auth_push1"] = attempt(lambda: client.json_api_call(
        "POST", "/rest/v1/auth", {"user": "alice", "factor": "auto", "auto": "push1", "ipaddr": "192.0.2.10"}))
    out["auth_passcode"] = attempt(lambda: client.json_api_call(
        "POST", "/rest/v1/auth", {"user": "alice", "factor": "auto", "auto": "123456", "ipaddr": "0.0.0.0"}))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ikey", required=True)
    p.add_argument("--skey", required=True)
    p.add_argument("--host", default="localhost")
    p.add_argument("--ca", default="HTTP", help="HTTP for plain http, or a CA file for https")
    p.add_argument("--quick", action="store_true", help="only the default v2/SHA-1 run")
    args = p.parse_args()

    started = time.time()
    runs = [auth_v2_run(args, "v2 sha1")]
    if not args.quick:
        runs.append(auth_v2_run(args, "v2 sha512", digestmod=hashlib.sha512))
        runs.append(auth_v2_run(args, "v4 sha512", sig_version=4, digestmod=hashlib.sha512))
        runs.append(rest_v1_run(args))
    sig5 = attempt(lambda: make(args, sig_version=5, digestmod=hashlib.sha512).check())
    json.dump({
        "version": getattr(duo_client, "__version__", "unknown"),
        "sig_version_5": sig5,
        "runs": runs,
        "seconds": round(time.time() - started, 2),
    }, sys.stdout)


if __name__ == "__main__":
    main()

"""Python servers the axon suite measures beside taokit's, when TAOKIT_PYTHON has them.

  baselines.py fastapi             FastAPI on uvicorn answering GET / (a hello world)
  baselines.py axon <uri> <dir>    the Python SDK's axon serving Dummy as <uri>'s hotkey

Each prints {"targets": [{"port": P, "hotkey": H}]} once it listens, and exits when its
stdin closes (as bench/src/axon-servers.ts does).
"""
import json
import os
import socket
import sys
import threading
import time
import typing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port} after 60 s")


def announce_then_wait_for_stdin(port: int, hotkey: str) -> None:
    wait_listening(port)
    print(json.dumps({"targets": [{"port": port, "hotkey": hotkey}]}), flush=True)
    sys.stdin.buffer.read()
    os._exit(0)


def fastapi_hello() -> None:
    import fastapi
    import uvicorn

    app = fastapi.FastAPI()

    @app.get("/")
    async def hello() -> dict:
        return {"hello": "world"}

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", access_log=False)
    threading.Thread(target=announce_then_wait_for_stdin, args=(port, ""), daemon=True).start()
    uvicorn.Server(config).run()


def sdk_axon(uri: str, wallets: str) -> None:
    import bittensor as bt
    from bittensor.utils import networking

    # The SDK asks web services for this machine's address; the bench runs offline on loopback.
    networking.get_external_ip = lambda: "127.0.0.1"

    class Dummy(bt.Synapse):
        dummy_input: int
        dummy_output: typing.Optional[int] = None

    def dummy(synapse: Dummy) -> Dummy:
        synapse.dummy_output = synapse.dummy_input * 2
        return synapse

    wallet = bt.Wallet(name="bench", hotkey="axon", path=wallets)
    wallet.create_coldkey_from_uri(uri, use_password=False, overwrite=True, suppress=True)
    wallet.create_hotkey_from_uri(uri, use_password=False, overwrite=True, suppress=True)
    port = free_port()
    axon = bt.Axon(wallet=wallet, ip="127.0.0.1", port=port, external_ip="127.0.0.1")
    axon.attach(forward_fn=dummy)
    axon.start()
    announce_then_wait_for_stdin(port, wallet.hotkey.ss58_address)


if __name__ == "__main__":
    if sys.argv[1] == "fastapi":
        fastapi_hello()
    else:
        sdk_axon(sys.argv[2], sys.argv[3])

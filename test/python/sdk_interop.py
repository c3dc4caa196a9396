"""The Python SDK's side of test/python-sdk.test.ts (bittensor 10.x).

  sdk_interop.py dendrite <port> <axon hotkey>   query a taokit axon, print one JSON line
  sdk_interop.py stream <port> <axon hotkey>     call_stream a TextStream, print one JSON line
  sdk_interop.py axon <port> <wallet dir>        serve Dummy, TextPrompt and a streaming
                                                 TextStream as //Ferdie
"""
import asyncio
import json
import socket
import sys
import time
import typing

import bittensor as bt
from bittensor.utils import networking
from bittensor_wallet import Keypair

# The SDK asks web services for this machine's address; the tests run offline on loopback.
networking.get_external_ip = lambda: "127.0.0.1"


class Dummy(bt.Synapse):
    dummy_input: int
    dummy_output: typing.Optional[int] = None


class TextPrompt(bt.Synapse):
    prompt: str
    temperature: float = 0.7
    max_tokens: int = 64
    stop: typing.List[str] = []
    completion: typing.Optional[str] = None
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = (
        "prompt",
        "temperature",
        "max_tokens",
        "stop",
    )


class TextStream(bt.StreamingSynapse):
    """Streams the prompt back word by word, as server-sent events."""

    prompt: str
    completion: str = ""
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("prompt",)

    async def process_streaming_response(self, response):
        async for chunk in response.content.iter_any():
            text = chunk.decode("utf-8")
            self.completion += text
            yield text

    def extract_response_json(self, response) -> dict:
        return {"prompt": self.prompt, "completion": self.completion}


def target_of(port: int, hotkey: str) -> bt.AxonInfo:
    return bt.AxonInfo(
        version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=hotkey, coldkey=hotkey
    )


def stream(port: int, hotkey: str) -> None:
    dendrite = bt.Dendrite(wallet=Keypair.create_from_uri("//Alice"))

    async def run():
        pieces, final = [], None
        synapse = TextStream(prompt="the quick brown fox")
        async for item in dendrite.call_stream(target_of(port, hotkey), synapse, timeout=10):
            if isinstance(item, bt.Synapse):
                final = item
            else:
                pieces.append(item)
        await dendrite.aclose_session()
        return pieces, final

    pieces, final = asyncio.run(run())
    print(
        json.dumps(
            {
                "text": "".join(pieces),
                "status": final.dendrite.status_code,
                "message": final.dendrite.status_message,
                "completion": final.completion,
            }
        ),
        flush=True,
    )


def query(port: int, hotkey: str) -> None:
    dendrite = bt.Dendrite(wallet=Keypair.create_from_uri("//Alice"))
    target = target_of(port, hotkey)

    async def run():
        dummy = await dendrite.forward([target], Dummy(dummy_input=21), timeout=10)
        prompt = await dendrite.forward(
            [target], TextPrompt(prompt="héllo", stop=["\n"]), timeout=10
        )
        # Signed for another axon: the taokit axon must refuse it.
        stranger = bt.AxonInfo(
            version=0,
            ip="127.0.0.1",
            port=port,
            ip_type=4,
            hotkey=Keypair.create_from_uri("//Eve").ss58_address,
            coldkey=hotkey,
        )
        refused = await dendrite.forward([stranger], Dummy(dummy_input=1), timeout=10)
        # How validators check that a miner is up: a bare Synapse at /Synapse.
        ping = await dendrite.forward([target], bt.Synapse(), timeout=10)
        await dendrite.aclose_session()
        return dummy[0], prompt[0], refused[0], ping[0]

    dummy, prompt, refused, ping = asyncio.run(run())
    print(
        json.dumps(
            {
                "dummy": {"status": dummy.dendrite.status_code, "output": dummy.dummy_output},
                "prompt": {
                    "status": prompt.dendrite.status_code,
                    "completion": prompt.completion,
                },
                "refused": {"status": refused.dendrite.status_code},
                "ping": {"status": ping.dendrite.status_code},
            }
        ),
        flush=True,
    )


def serve(port: int, path: str) -> None:
    wallet = bt.Wallet(name="ferdie", hotkey="default", path=path)
    wallet.create_coldkey_from_uri("//Ferdie", use_password=False, overwrite=True, suppress=True)
    wallet.create_hotkey_from_uri("//Ferdie", use_password=False, overwrite=True, suppress=True)

    def dummy(synapse: Dummy) -> Dummy:
        synapse.dummy_output = synapse.dummy_input * 2
        return synapse

    def text(synapse: TextPrompt) -> TextPrompt:
        synapse.completion = synapse.prompt.upper()
        return synapse

    def text_stream(synapse: TextStream) -> TextStream.BTStreamingResponse:
        async def words(send):
            for word in synapse.prompt.split(" "):
                body = f"data: {word}\n\n".encode("utf-8")
                await send({"type": "http.response.body", "body": body, "more_body": True})

        return synapse.create_streaming_response(words)

    axon = bt.Axon(wallet=wallet, ip="127.0.0.1", port=port, external_ip="127.0.0.1")
    axon.attach(forward_fn=dummy).attach(forward_fn=text).attach(forward_fn=text_stream)
    axon.start()
    # start() returns before uvicorn's thread listens.
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    print(json.dumps({"port": port, "hotkey": wallet.hotkey.ss58_address}), flush=True)
    try:
        sys.stdin.buffer.read()  # until the parent closes stdin
    finally:
        axon.stop()
        time.sleep(0.2)


if __name__ == "__main__":
    if sys.argv[1] == "dendrite":
        query(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "stream":
        stream(int(sys.argv[2]), sys.argv[3])
    else:
        serve(int(sys.argv[2]), sys.argv[3])

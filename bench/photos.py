"""Time and peak memory to turn a 40-megapixel JPEG into profile photos.

    python bench/photos.py

Each measurement runs in a fresh process and reports how much its peak resident memory
(VmHWM) grew while processing; the baseline process only reads the file.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import io, sys, time

def peak_kib():  # VmHWM: this process's high-water mark (ru_maxrss survives exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

sys.path.insert(0, {root!r})
import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
from mentors.photos import process
data = open({path!r}, "rb").read()
before = peak_kib()
started = time.perf_counter()
if {work}:
    process(io.BytesIO(data))
print(time.perf_counter() - started, peak_kib() - before)
"""


def run(path, work):
    env = {**os.environ, "DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), path=path, work=work)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024  # seconds, MiB of peak growth while processing


def main():
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "40mp.jpg")
        # 7,745 × 5,164 = 39,995,180 pixels, just under 40 megapixels, of gradients with a little grain: under the
        # 5 MB upload limit, as a real upload of that size has to be.
        size_px = (7745, 5164)
        channels = [
            Image.linear_gradient("L").resize(size_px),
            Image.linear_gradient("L").rotate(90).resize(size_px),
            Image.effect_noise(size_px, 6),
        ]
        Image.merge("RGB", channels).save(path, "JPEG", quality=80)
        size = os.path.getsize(path) / 1024 / 1024
        _base_time, base_growth = run(path, False)
        times, growth = zip(*(run(path, True) for _ in range(3)), strict=True)
        median = sorted(times)[1]
        print(
            f"photos: 40-megapixel JPEG ({size:.1f} MB): {median * 1000:.0f} ms median of 3; "
            f"peak memory grew {max(growth):.1f} MiB while processing "
            f"(baseline, reading only: {base_growth:.1f} MiB; the decoded image at full size "
            f"would be {7745 * 5164 * 3 / 1024 / 1024:.0f} MiB)"
        )


if __name__ == "__main__":
    main()

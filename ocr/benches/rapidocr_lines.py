"""RapidOCR's baseline for `cargo bench -p qualkit-ocr --bench engines`: reads every image named on
standard input (one path a line) with RapidOCR 3.10 and its bundled PP-OCRv6 small models (the
files qualkit-ocr loads), in one warm process, and prints one JSON object a line:
{"path", "seconds", "lines": [text, ...]}. Then {"peak_rss_mb"} last.
"""
import json
import resource
import sys
import time

from rapidocr import RapidOCR

engine = RapidOCR()
for path in (line.strip() for line in sys.stdin):
    if not path:
        continue
    started = time.perf_counter()
    result = engine(path)
    seconds = time.perf_counter() - started
    lines = list(result.txts) if result.txts is not None else []
    print(json.dumps({"path": path, "seconds": seconds, "lines": lines}, ensure_ascii=False), flush=True)
print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))

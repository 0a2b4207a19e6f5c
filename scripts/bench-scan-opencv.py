"""The OpenCV peer of scripts/bench-scan.sh: the usual recipe for a photo of a
text page. Gray, adaptive threshold, then deskew by the angle of the
minimum-area rectangle around the ink pixels (minAreaRect), turned back with
warpAffine. Writes a PNG; prints its own time (imread to imwrite) and the
angle it turned by.

    python3 bench-scan-opencv.py IN.jpg OUT.png
"""
import sys
import time

import cv2
import numpy as np


def main(src, dst):
    start = time.perf_counter()
    gray = cv2.imread(src, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        sys.exit(f"cannot read {src}")
    bw = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 15
    )
    ys, xs = np.nonzero(bw == 0)
    angle = 0.0
    if len(xs) > 0:
        points = np.column_stack([xs, ys]).astype(np.float32)
        angle = cv2.minAreaRect(points)[2]
        # OpenCV >= 4.5 gives (0, 90]: the small turn is the one nearer 0.
        if angle > 45:
            angle -= 90
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(
        bw, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    cv2.imwrite(dst, out)
    ms = (time.perf_counter() - start) * 1e3
    print(f"ms={ms:.2f} angle={angle:.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench-scan-opencv.py IN OUT.png")
    main(sys.argv[1], sys.argv[2])

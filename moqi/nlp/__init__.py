"""Shared text tools: normalisation, PII masking, jieba with the telecom dictionary, keyword automata."""

from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

__all__ = ["mask_pii", "normalize"]

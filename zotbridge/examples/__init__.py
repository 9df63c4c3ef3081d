"""Shipped examples: a Hugging Face listing and the demo arXiv corpus."""

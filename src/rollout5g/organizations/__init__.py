"""Organizations named by the policy documents, and the collective terms that stand for groups of them."""

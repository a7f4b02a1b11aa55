"""Awards: decisions, terms, agreements and signatures, milestones."""

"""Networks: toy MLPs (and, later, image and text networks)."""

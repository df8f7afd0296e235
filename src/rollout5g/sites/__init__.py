"""The site registry: sites (站址) and cells (小区), the special plan, key areas, imports and exports."""

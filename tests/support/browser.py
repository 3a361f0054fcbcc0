"""What the browser checks share: the address of a page that does not exist, and the WCAG levels
axe checks."""

NOT_FOUND_URL = "/findes-ikke/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

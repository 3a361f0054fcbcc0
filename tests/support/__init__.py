"""What the tests share: the served site and its databases, visitors over HTTP, the showcase of
every page type and block, editors' form posts, HTML and query helpers. No tests here."""

"""Stage 1, crawling: polite, resumable, incremental crawling of the sites in rules/sites/ into WARC.

`crawler` (the Crawler and its run), `pages` (what a fetched page yields: links, feeds, articles),
`robots`, `fetch` (HTTP: throttle, retries, caps, address checks), `archive` (WARC files), `state`
(the crawl state, output/crawl.sqlite), `discover` (links, sitemaps, feeds), `urls` (URL identity).
"""

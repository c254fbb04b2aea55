"""micnews's Scrapy commands (``COMMANDS_MODULE``): ``scrapy crawl`` with micnews's exit codes."""

"""Plain values that services compute and views render.

They live below both so that the imports run one way: handlers → services → views → values.
Nothing here touches the database or Telegram.
"""

"""The composition root: builds the python-telegram-bot Application and registers every handler.

This is the one place that imports `handlers`. The order of HANDLER_MODULES is the order in
which python-telegram-bot tries the handlers of group 0: specific commands first, catch-alls last.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationBuilder, BaseHandler, ContextTypes

from bot.commands import publish_menus
from bot.runtime import RUNTIME_KEY, BotApplication, Runtime
from handlers import errors, help, start

HandlerList = list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]

HANDLER_MODULES: list[HandlerList] = [
    start.HANDLERS,  # /start, also redeems invitation deep links
    help.HANDLERS,  # /help
]


def build_application(runtime: Runtime) -> BotApplication:
    """Build the bot from the settings; `gremienbot run`, the demo and the tests all use this."""
    settings = runtime.settings
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_base_url)
    )
    if settings.api_base_file_url:
        builder = builder.base_file_url(settings.api_base_file_url)
    application = builder.build()
    application.bot_data[RUNTIME_KEY] = runtime
    for handler_list in HANDLER_MODULES:
        application.add_handlers(handler_list)
    application.add_error_handler(errors.on_error)
    return application


async def on_startup(application: BotApplication) -> None:
    """Work to do once the bot is initialized, before it takes updates."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    await publish_menus(application.bot, runtime.settings.admins)

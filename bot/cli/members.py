"""CLI commands for the administration's shell: invite, members, audit."""

from __future__ import annotations

from datetime import timedelta

import click
from telegram import Bot
from telegram.error import TelegramError

from bot.cli.common import fail, fail_with, open_runtime, run_async, strip_html
from bot.config import Settings
from bot.errors import UserError
from bot.i18n import format_short
from bot.services.audit_history import audit_history
from bot.services.invites import check_new_name, create_invite, deep_link
from bot.services.members import Section, member_overview
from bot.views.audit import history_text


async def _bot_username(settings: Settings) -> str:
    """The bot's @username for deep links, asked from the Bot API (getMe)."""
    token = settings.require_token()
    bot = Bot(token, base_url=settings.api_base_url)
    try:
        async with bot:
            return bot.username
    except TelegramError as error:
        fail(f"could not ask Telegram for the bot's username ({error}); check GREMIENBOT_TOKEN.")
        raise


@click.command()
@click.argument("name")
@click.option("--faction", "faction_key", metavar="KEY", help="Faction key, e.g. spd.")
@click.option(
    "--department",
    "department_key",
    metavar="KEY",
    help="Department key (organization of kind department), for the administration.",
)
@click.option("--function", metavar="TEXT", help="Function, e.g. Sprecherin.")
@click.option("--admin", is_flag=True, help="Make the new member an administrator.")
@run_async
async def invite(
    name: str,
    faction_key: str | None,
    department_key: str | None,
    function: str | None,
    admin: bool,
) -> None:
    """Invite NAME: prints the single-use deep link to pass on personally. A member has a
    faction (--faction), a department (--department) or neither, never both."""
    if faction_key and department_key:
        fail("use either --faction or --department: a member has one or the other, not both.")
    async with open_runtime() as runtime:
        settings = runtime.settings
        username = await _bot_username(settings)
        try:
            async with runtime.sessions.begin() as session:
                check = await check_new_name(
                    session, name=name, group_key=settings.group_key, today=runtime.today()
                )
                for same, home in check.same:
                    click.echo(
                        f"Note: {same.name}{f' ({home})' if home else ''} is already a member.",
                        err=True,
                    )
                created = await create_invite(
                    session,
                    actor=None,
                    name=name,
                    group_key=settings.group_key,
                    now=runtime.now(),
                    ttl=timedelta(days=settings.invite_ttl_days),
                    faction_key=faction_key,
                    department_key=department_key,
                    function=function,
                    admin=admin,
                )
        except UserError as error:
            fail_with(error, settings)
        expires = format_short(created.expires_at, "en", runtime.tz)
        click.echo(f"Invitation for {created.person.name} (valid until {expires}):")
        click.echo(deep_link(username, created.token))


@click.command()
@run_async
async def members() -> None:
    """List the current members by faction, with role, link and reachability."""
    async with open_runtime() as runtime:
        async with runtime.sessions() as session:
            groups = await member_overview(
                session, actor=None, group_key=runtime.settings.group_key, now=runtime.now()
            )
        headings = {Section.ADMINISTRATION: "Verwaltung", Section.OTHERS: "Weitere"}
        for group in groups:
            click.echo(group.faction.name if group.faction else headings[group.section])
            for person in group.members:
                flags = [
                    "admin" if person.is_admin else "member",
                    "linked" if person.telegram_user_id else "not linked",
                ]
                if not person.reachable:
                    flags.append(f"unreachable: {person.unreachable_reason or '?'}")
                function = f", {person.function}" if person.function else ""
                department = f", {person.department.name}" if person.department else ""
                click.echo(f"  {person.name}{department}{function} ({'; '.join(flags)})")
        if groups.unlinked:
            names = ", ".join(person.name for person in groups.unlinked)
            click.echo(f"Never linked ({len(groups.unlinked)}): {names}")


@click.command()
@click.option("--limit", default=100, show_default=True, help="How many entries, newest first.")
@run_async
async def audit(limit: int) -> None:
    """Print the Änderungsverlauf (audit log), newest first, in GREMIENBOT_LANGUAGE: who
    invited, removed, promoted, published, changed or broadcast what."""
    async with open_runtime() as runtime:
        async with runtime.sessions() as session:
            history = await audit_history(session, limit=limit)
        language = runtime.settings.language
        for line in history_text(history, language, runtime.tz):
            click.echo(strip_html(line))

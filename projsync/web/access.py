"""Users, API tokens and page sessions, kept in the web server's own store.

Passwords are hashed with scrypt (a random salt each); tokens and session ids
are 256-bit random secrets, of which only the SHA-256 digest is stored, so a
copy of the store gives nobody a way in. Comparisons of secrets take constant
time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.web.model import ApiToken, Role, User
from projsync.web.tables import sessions, tokens, user_companies, users

__all__ = [
    "SESSION_HOURS",
    "AccessService",
    "hash_password",
    "new_user_problems",
    "verify_password",
]

SESSION_HOURS = 12
MIN_PASSWORD = 8
_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,60}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
TOKEN_PREFIX = "psy_"


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``, hex-encoded."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    found = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(found.hex(), digest)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def new_user_problems(
    login: str, *, role: Role, password: str, worker: str | None
) -> list[Problem]:
    """Every problem of a new user's login, password and worker, at once."""
    problems = []
    if not _LOGIN.match(login):
        problems.append(Problem(where="login", what=f"{login!r}: 1-60 letters, digits or . _ @ -"))
    if len(password) < MIN_PASSWORD:
        problems.append(
            Problem(where="password", what=f"must have at least {MIN_PASSWORD} characters")
        )
    if role is Role.TEAM_MEMBER and not worker:
        problems.append(Problem(where="worker", what="a team member must be linked to a worker"))
    return problems


class AccessService:
    """Who may come in, and as whom."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # users

    def add_user(
        self,
        login: str,
        *,
        name: str,
        role: Role,
        password: str,
        worker: str | None = None,
        companies: Iterable[str] = (),
    ) -> User:
        problems = new_user_problems(login, role=role, password=password, worker=worker)
        if problems:
            raise InputError(problems)
        with self.store.write() as conn:
            if self._row(conn, login) is not None:
                raise refusal(f"user {login}", "already exists")
            user_id = conn.execute(
                insert(users).values(
                    login=login,
                    name=name,
                    role=role.value,
                    password_hash=hash_password(password),
                    worker=worker,
                    created_at=_now(),
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            for company in sorted(set(companies)):
                conn.execute(insert(user_companies).values(user_id=user_id, company=company))
            return self._user(conn, int(user_id))

    def set_password(self, login: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise refusal("password", f"must have at least {MIN_PASSWORD} characters")
        with self.store.write() as conn:
            done = conn.execute(
                users.update()
                .where(users.c.login == login)
                .values(password_hash=hash_password(password))
            ).rowcount
            if not done:
                raise refusal(f"user {login}", "unknown user")
            user_id = conn.execute(select(users.c.id).where(users.c.login == login)).scalar_one()
            conn.execute(delete(sessions).where(sessions.c.user_id == user_id))

    def set_disabled(self, login: str, disabled: bool) -> User:
        """Disable a user (kept, with their tokens, but let in by neither a
        password, a token nor a session: their sessions end) or enable them
        again. The last enabled administrator is never disabled."""
        with self.store.write() as conn:
            row = self._known(conn, login)
            if disabled and Role(row.role) is Role.ADMINISTRATOR:
                self._keep_an_administrator(conn, row.id, f"user {login}", "disabled")
            conn.execute(
                users.update()
                .where(users.c.id == row.id)
                .values(disabled_at=_now() if disabled else None)
            )
            if disabled:
                conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
            return self._user(conn, row.id)

    def set_role(self, login: str, role: Role, *, companies: Iterable[str] | None = None) -> User:
        """Change a user's role (and, given, the companies they see). A team
        member must be linked to a worker; the last enabled administrator
        keeps the role."""
        with self.store.write() as conn:
            row = self._known(conn, login)
            if role is Role.TEAM_MEMBER and not row.worker:
                raise refusal(f"user {login}", "a team member must be linked to a worker")
            if Role(row.role) is Role.ADMINISTRATOR and role is not Role.ADMINISTRATOR:
                self._keep_an_administrator(conn, row.id, f"user {login}", "given another role")
            conn.execute(users.update().where(users.c.id == row.id).values(role=role.value))
            if companies is not None:
                conn.execute(delete(user_companies).where(user_companies.c.user_id == row.id))
                for company in sorted(set(companies)):
                    conn.execute(insert(user_companies).values(user_id=row.id, company=company))
            return self._user(conn, row.id)

    def delete_user(self, login: str) -> None:
        """Delete a user with their companies, tokens and sessions; never the
        last enabled administrator."""
        with self.store.write() as conn:
            row = self._known(conn, login)
            if Role(row.role) is Role.ADMINISTRATOR:
                self._keep_an_administrator(conn, row.id, f"user {login}", "deleted")
            for table in (sessions, tokens, user_companies):
                conn.execute(delete(table).where(table.c.user_id == row.id))
            conn.execute(delete(users).where(users.c.id == row.id))

    def disabled_logins(self) -> set[str]:
        with self.store.read() as conn:
            query = select(users.c.login).where(users.c.disabled_at.is_not(None))
            return set(conn.execute(query).scalars())

    def _known(self, conn: Connection, login: str) -> Row[Any]:
        row = self._row(conn, login)
        if row is None:
            raise refusal(f"user {login}", "unknown user")
        return row

    @staticmethod
    def _keep_an_administrator(conn: Connection, user_id: int, where: str, done: str) -> None:
        others = conn.execute(
            select(users.c.id)
            .where(users.c.role == Role.ADMINISTRATOR.value)
            .where(users.c.disabled_at.is_(None))
            .where(users.c.id != user_id)
            .limit(1)
        ).first()
        if others is None:
            raise refusal(where, f"is the last enabled administrator: it cannot be {done}")

    @staticmethod
    def _disabled(conn: Connection, user_id: int) -> bool:
        query = select(users.c.disabled_at).where(users.c.id == user_id)
        return conn.execute(query).scalar() is not None

    def users(self) -> list[User]:
        with self.store.read() as conn:
            ids = conn.execute(select(users.c.id).order_by(users.c.login)).scalars().all()
            return [self._user(conn, i) for i in ids]

    def user(self, login: str) -> User:
        with self.store.read() as conn:
            row = self._row(conn, login)
            if row is None:
                raise refusal(f"user {login}", "unknown user")
            return self._user(conn, row.id)

    def is_empty(self) -> bool:
        with self.store.read() as conn:
            return conn.execute(select(users.c.id).limit(1)).first() is None

    def authenticate(self, login: str, password: str) -> User | None:
        """The user whose login and password these are, or ``None``."""
        with self.store.read() as conn:
            row = self._row(conn, login)
            if row is None:
                verify_password(password, hash_password("not a user"))  # same time either way
                return None
            if not verify_password(password, row.password_hash) or row.disabled_at is not None:
                return None
            return self._user(conn, row.id)

    # tokens

    def create_token(
        self, login: str, *, name: str, days: int | None = None
    ) -> tuple[ApiToken, str]:
        """A new bearer token for ``login``: the record and the secret, shown only now."""
        if days is not None and days < 1:
            raise refusal("--days", "must be at least 1")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = _now()
        expires = created + dt.timedelta(days=days) if days else None
        with self.store.write() as conn:
            row = self._row(conn, login)
            if row is None:
                raise refusal(f"user {login}", "unknown user")
            token_id = conn.execute(
                insert(tokens).values(
                    user_id=row.id,
                    name=name,
                    digest=_digest(secret),
                    created_at=created,
                    expires_at=expires,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        token = ApiToken(
            id=int(token_id), user=login, name=name, created_at=created, expires_at=expires
        )
        return token, secret

    def tokens(self, login: str | None = None) -> list[ApiToken]:
        query = (
            select(tokens, users.c.login)
            .join(users, users.c.id == tokens.c.user_id)
            .order_by(tokens.c.id)
        )
        if login is not None:
            query = query.where(users.c.login == login)
        with self.store.read() as conn:
            return [
                ApiToken(
                    id=r.id,
                    user=r.login,
                    name=r.name,
                    created_at=_aware(r.created_at) or _now(),
                    expires_at=_aware(r.expires_at),
                )
                for r in conn.execute(query)
            ]

    def revoke_token(self, token_id: int) -> None:
        with self.store.write() as conn:
            gone = conn.execute(delete(tokens).where(tokens.c.id == token_id)).rowcount
        if not gone:
            raise refusal(f"token {token_id}", "unknown token")

    def user_for_token(self, secret: str) -> User | None:
        """The user of a valid (known, unexpired) token, or ``None``."""
        query = (
            select(users, tokens.c.expires_at)
            .join(tokens, tokens.c.user_id == users.c.id)
            .where(tokens.c.digest == _digest(secret))
        )
        with self.store.read() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            expires = _aware(row.expires_at)
            if (expires is not None and expires <= _now()) or row.disabled_at is not None:
                return None
            return self._user_of(conn, row)

    # page sessions

    def open_session(self, user: User, *, hours: int = SESSION_HOURS) -> str:
        """A new session for ``user``; the secret goes in the browser's cookie."""
        secret = secrets.token_urlsafe(32)
        now = _now()
        with self.store.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at <= now))
            conn.execute(
                insert(sessions).values(
                    digest=_digest(secret),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=hours),
                )
            )
        return secret

    def user_for_session(self, secret: str) -> User | None:
        with self.store.read() as conn:
            row = conn.execute(
                select(sessions.c.user_id, sessions.c.expires_at).where(
                    sessions.c.digest == _digest(secret)
                )
            ).first()
            if row is None or (_aware(row.expires_at) or _now()) <= _now():
                return None
            if self._disabled(conn, row.user_id):
                return None
            return self._user(conn, row.user_id)

    def close_session(self, secret: str) -> None:
        with self.store.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.digest == _digest(secret)))

    # rows to records

    @staticmethod
    def _row(conn: Connection, login: str) -> Row[Any] | None:
        return conn.execute(select(users).where(users.c.login == login)).first()

    @staticmethod
    def _user(conn: Connection, user_id: int) -> User:
        row = conn.execute(select(users).where(users.c.id == user_id)).one()
        return AccessService._user_of(conn, row)

    @staticmethod
    def _user_of(conn: Connection, row: Row[Any]) -> User:
        role = Role(row.role)
        companies: tuple[str, ...] = ()
        if role is not Role.ADMINISTRATOR:  # an administrator sees every company
            companies = tuple(
                conn.execute(
                    select(user_companies.c.company)
                    .where(user_companies.c.user_id == row.id)
                    .order_by(user_companies.c.company)
                ).scalars()
            )
        return User(
            id=row.id,
            login=row.login,
            name=row.name,
            role=role,
            worker=row.worker,
            companies=companies,
        )

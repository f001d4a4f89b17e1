from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Staff as a team: roles and shops per staff member (existing staff become OWNER of every
# shop, the columns' defaults), MFA secrets and recovery codes, staff invitations and reset
# links (one_time_token.shop_user_id becomes optional beside a new admin_id), a session's
# last_seen_at (existing sessions: their created_at) and user agent, and the shop of each
# audit event and mail, so staff of some shops read only theirs. Past events and mails get
# the shop of the object they are about where it is known (a shop, shop user, request or
# registration field); the rest stay shop-less, read by staff of every shop alone.
#
# On PostgreSQL everything runs in aerich's transaction. On SQLite, which cannot make a column
# nullable, admin_user and one_time_token are rebuilt as SQLite's documentation describes
# (foreign keys off, new table, copy, drop, rename), in a script of its own transaction that
# aerich runs after committing the statements run here; a run cut short before aerich records
# the version runs again: added columns and tables are looked for first, and a table already
# rebuilt is not rebuilt again.
HAS_COLUMN = {
    "sqlite": "SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'",
    "postgres": "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = '{table}' AND column_name = '{column}'",
}
ADDED_COLUMNS = {
    ("session", "last_seen_at"): {
        # Every existing row gets its created_at just below; new rows always carry a value.
        "sqlite": "TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00+00:00'",
        "postgres": "TIMESTAMPTZ NOT NULL DEFAULT now()",
    },
    ("session", "user_agent"): {"sqlite": "VARCHAR(255)", "postgres": "VARCHAR(255)"},
    ("outbox_message", "shop_id"): {"sqlite": "INT", "postgres": "INT"},
    ("audit_event", "shop_id"): {"sqlite": "INT", "postgres": "INT"},
}
POSTGRES_ONLY_COLUMNS = {
    ("admin_user", "role"): "VARCHAR(16) NOT NULL DEFAULT 'OWNER'",
    ("admin_user", "all_shops"): "BOOL NOT NULL DEFAULT True",
    ("admin_user", "mfa_secret_encrypted"): "TEXT",
    ("admin_user", "mfa_enabled_at"): "TIMESTAMPTZ",
    ("admin_user", "mfa_last_step"): "BIGINT NOT NULL DEFAULT 0",
    ("one_time_token", "admin_id"): 'INT CONSTRAINT "fk_one_time_admin_us_261be8ff" '
    'REFERENCES "admin_user" ("id") ON DELETE CASCADE',
}
NEW_TABLES = {
    "sqlite": [
        """CREATE TABLE IF NOT EXISTS "mfa_recovery_code" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "admin_id" INT NOT NULL REFERENCES "admin_user" ("id") ON DELETE CASCADE
)""",
        """CREATE TABLE IF NOT EXISTS "admin_user_shop" (
    "admin_user_id" INT NOT NULL REFERENCES "admin_user" ("id") ON DELETE CASCADE,
    "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE
)""",
    ],
    "postgres": [
        """CREATE TABLE IF NOT EXISTS "mfa_recovery_code" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "admin_id" INT NOT NULL REFERENCES "admin_user" ("id") ON DELETE CASCADE
)""",
        """CREATE TABLE IF NOT EXISTS "admin_user_shop" (
    "admin_user_id" INT NOT NULL REFERENCES "admin_user" ("id") ON DELETE CASCADE,
    "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE
)""",
        'ALTER TABLE "admin_user" ALTER COLUMN "password_hash" DROP NOT NULL',
        'ALTER TABLE "one_time_token" ALTER COLUMN "shop_user_id" DROP NOT NULL',
    ],
}
INDEXES = [
    'CREATE INDEX IF NOT EXISTS "idx_mfa_recover_admin_i_a76175" ON "mfa_recovery_code" ("admin_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uidx_admin_user__admin_u_9308ff" '
    'ON "admin_user_shop" ("admin_user_id", "shop_id")',
    'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_shop_id_b03c06" ON "outbox_message" ("shop_id", "id")',
    'CREATE INDEX IF NOT EXISTS "idx_audit_event_shop_id_e0e7fc" ON "audit_event" ("shop_id", "id")',
]
# The indexes of the two rebuilt tables, made again after the rebuild on SQLite.
REBUILT_INDEXES = [
    'CREATE INDEX IF NOT EXISTS "idx_one_time_to_admin_i_e1bdaf" ON "one_time_token" ("admin_id")',
    'CREATE INDEX IF NOT EXISTS "idx_one_time_to_shop_us_f3597f" ON "one_time_token" ("shop_user_id")',
]
BACKFILL = [
    'UPDATE "session" SET "last_seen_at" = "created_at"',
    """UPDATE "audit_event" SET "shop_id" = "object_id" WHERE "object_type" = 'Shop'""",
    """UPDATE "audit_event" SET "shop_id" = (SELECT "shop_id" FROM "shop_user"
        WHERE "shop_user"."id" = "audit_event"."object_id") WHERE "object_type" = 'ShopUser'""",
    """UPDATE "audit_event" SET "shop_id" = (SELECT "shop_id" FROM "registration_request"
        WHERE "registration_request"."id" = "audit_event"."object_id")
        WHERE "object_type" = 'RegistrationRequest'""",
    """UPDATE "audit_event" SET "shop_id" = (SELECT "shop_id" FROM "registration_field"
        WHERE "registration_field"."id" = "audit_event"."object_id")
        WHERE "object_type" = 'RegistrationField'""",
    """UPDATE "outbox_message" SET "shop_id" = (SELECT "shop_id" FROM "registration_request"
        WHERE "registration_request"."id" = "outbox_message"."registration_request_id")
        WHERE "registration_request_id" IS NOT NULL""",
]
SQLITE_REBUILD = """
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "admin_user_rebuilt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "name" VARCHAR(200),
    "password_hash" VARCHAR(255),
    "is_active" INT NOT NULL,
    "role" VARCHAR(16) NOT NULL DEFAULT 'OWNER',
    "all_shops" INT NOT NULL DEFAULT 1,
    "mfa_secret_encrypted" TEXT,
    "mfa_enabled_at" TIMESTAMP,
    "mfa_last_step" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP NOT NULL,
    "last_login_at" TIMESTAMP
);
INSERT INTO "admin_user_rebuilt" ("id", "email", "name", "password_hash", "is_active", "created_at", "last_login_at")
    SELECT "id", "email", "name", "password_hash", "is_active", "created_at", "last_login_at" FROM "admin_user";
DROP TABLE "admin_user";
ALTER TABLE "admin_user_rebuilt" RENAME TO "admin_user";
CREATE TABLE "one_time_token_rebuilt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "purpose" VARCHAR(16) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "admin_id" INT REFERENCES "admin_user" ("id") ON DELETE CASCADE,
    "shop_user_id" INT REFERENCES "shop_user" ("id") ON DELETE CASCADE
);
INSERT INTO "one_time_token_rebuilt" ("id", "purpose", "token_hash", "created_at", "expires_at", "used_at", "shop_user_id")
    SELECT "id", "purpose", "token_hash", "created_at", "expires_at", "used_at", "shop_user_id" FROM "one_time_token";
DROP TABLE "one_time_token";
ALTER TABLE "one_time_token_rebuilt" RENAME TO "one_time_token";
{indexes}
COMMIT;
PRAGMA foreign_keys = ON;
"""
DOWNGRADE = {
    "postgres": """
        DROP INDEX IF EXISTS "idx_outbox_mess_shop_id_b03c06";
        DROP INDEX IF EXISTS "idx_one_time_to_admin_i_e1bdaf";
        DROP INDEX IF EXISTS "idx_audit_event_shop_id_e0e7fc";
        DELETE FROM "one_time_token" WHERE "shop_user_id" IS NULL;
        DELETE FROM "admin_user" WHERE "password_hash" IS NULL;
        DROP TABLE IF EXISTS "admin_user_shop";
        DROP TABLE IF EXISTS "mfa_recovery_code";
        ALTER TABLE "session" DROP COLUMN IF EXISTS "last_seen_at";
        ALTER TABLE "session" DROP COLUMN IF EXISTS "user_agent";
        ALTER TABLE "admin_user" DROP COLUMN IF EXISTS "mfa_enabled_at";
        ALTER TABLE "admin_user" DROP COLUMN IF EXISTS "all_shops";
        ALTER TABLE "admin_user" DROP COLUMN IF EXISTS "role";
        ALTER TABLE "admin_user" DROP COLUMN IF EXISTS "mfa_secret_encrypted";
        ALTER TABLE "admin_user" DROP COLUMN IF EXISTS "mfa_last_step";
        ALTER TABLE "admin_user" ALTER COLUMN "password_hash" SET NOT NULL;
        ALTER TABLE "audit_event" DROP COLUMN IF EXISTS "shop_id";
        ALTER TABLE "one_time_token" DROP COLUMN IF EXISTS "admin_id";
        ALTER TABLE "one_time_token" ALTER COLUMN "shop_user_id" SET NOT NULL;
        ALTER TABLE "outbox_message" DROP COLUMN IF EXISTS "shop_id";""",
    # SQLite keeps the rebuilt tables and added columns (it cannot drop a column holding a
    # foreign key, nor make one required again); only the new tables and indexes go.
    "sqlite": """
        DROP INDEX IF EXISTS "idx_outbox_mess_shop_id_b03c06";
        DROP INDEX IF EXISTS "idx_audit_event_shop_id_e0e7fc";
        DROP TABLE IF EXISTS "admin_user_shop";
        DROP TABLE IF EXISTS "mfa_recovery_code";""",
}


async def _has_column(db: BaseDBAsyncClient, table: str, column: str) -> bool:
    dialect = db.capabilities.dialect
    return bool(await db.execute_query_dict(HAS_COLUMN[dialect].format(table=table, column=column)))


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    columns = {key: definitions[dialect] for key, definitions in ADDED_COLUMNS.items()}
    if dialect == "postgres":
        columns.update(POSTGRES_ONLY_COLUMNS)
    for (table, column), definition in columns.items():
        if not await _has_column(db, table, column):
            await db.execute_query(f'ALTER TABLE "{table}" ADD "{column}" {definition}')
    for statement in [*NEW_TABLES[dialect], *INDEXES, *BACKFILL]:
        await db.execute_query(statement)
    if dialect == "postgres":
        for statement in REBUILT_INDEXES:
            await db.execute_query(statement)
        await db.execute_query('ALTER TABLE "session" ALTER COLUMN "last_seen_at" DROP DEFAULT')
        return "SELECT 1"  # aerich runs what is returned, and asyncpg refuses an empty script
    if await _has_column(db, "admin_user", "role"):
        return "SELECT 1"
    return SQLITE_REBUILD.format(indexes="\n".join(f"{index};" for index in REBUILT_INDEXES))


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXXtv27YW/yqE/2kHeEHzbK/vMMBJ3C5dbOfaTrtHBkGWaFuLRHl6JDG2fvdL6v2gZN"
    "GRZFkjUDS2xENLv8PHefPvjqbLUDWPJnCpmJYhWoqOPipQlTs98HcHiRrEH7IbdUFHXK/D"
    "JuSCJc5Vh8qINBcWQfs5uSZZuMVCVE2IL8nQlAxlTdoRuj4C8AW3AX/Z0CQXAf4nAnOlr9"
    "+YINorWOiG9l8An6CxAc4vAIW0+MtWDCgfkZ+TdQm3VtCy9J5tpOBuBEtfQmsFDdz/7793"
    "SFfk5iPcdP74A39QkAxfoEnukq/rRw+JKLyKA4xzXbA2a+faDbICiOW5IOmqraGw8XpjrT"
    "CqfmsFWeTqEiKInx+S7i3DJtgiW1U9hvhwuw8eNnEfMUIjw4Voq4RDhNp9gPBaRxBG45kw"
    "HcwEoZPink8Rgd27JOmIoIsf1XTefkke4fuT47P3Zx9OL84+4CbOYwZX3n9zfzoExiV04B"
    "nNOt+c+6Ilui0cjENQCQdSqF6tRIMOq9c8gSt+4CSuPop5wPoXQmTDoV4HtJr4IqgQLa0V"
    "/npxloPjl/7k6qf+5O3F2XfkB3U8M93JO/LunDi3CNQhtPi9ocoCbkDQQnhP3r0rgC9ulQ"
    "mwcy+O8Fo3Feexiq8LUZLtq0NZML9r9OoQAioZkLy5IFppSK/xHUvRIB3XOGUCWdkjPfI/"
    "HOJwxi8oj5G68TaAHFxnN8PBdNYf3pGf00zzL9XBrz8bkDsnztVN4urbi8TADzoBX29mPw"
    "HyFfw2Hg0ceHXTWhrOL4btZr91yDOJtqULSH8WRDmyV/lXfdRiXCe7scC0u0Yo6ptEDd9l"
    "idyyeKRusr64E0f3o25AZYl+hhsH5Bv8RCKSIAVUT7Ccet0cGLjf/NHjXw2HpSE+B4JedF"
    "Dhd8dvDC13w+xPr/rXg46D8FyUHp9FQxZiUJM7+omeuBK0Td/STrTkFRGJSwcc8hbkmaOo"
    "U8R8nxvZkr3P9q2yfDaUFOmZi8t7FJdXIpJVyCLUhRTlSHX7hbdikdn5ywCu354LzMUE5p"
    "itASICBGWVuNR1FYqIDnlWFwkWzHEfVfEguFLdZkXD/HI8vo1JdJc3swT298PLweTtscMS"
    "3EhxN7C0nI33DEN/ElWB7Br0AT9AtpaSC2KcSHVS3yzoDPuj+/5th40JHlUPuH8fUP9+Nh"
    "72ZzdXPRB8TFqjisyV44sCU+U4KWGHM4XcijPIeyVhbSgSFFQ84gVLXJppVn2ejkf0iZLT"
    "RVI9UiQL/ANIk8oY9sPCRpJjspvbimopyDwiv/cjIwvLmEcEstg88hnxdtj/Jcmjq9vxZV"
    "LlIR1cJhimKUjRbE3QDRkagqjpNqLpsFBSNFGlMyyriyS33D6OvL4KcMzboZuyz+Sw5npw"
    "dTPs3749PuueJBYxn0dnqU1FWkHpUbfxSBc3GkQWHuuawgp+dicc/i3w24YBkcRkxo3S1L"
    "hrDO4nVa038Q3htMB+cJq5HZymLbloaWPtkGn9jxHtdcX3FFaijppH/rYUPF5rtgCkW8pC"
    "kTzJVBMVJuM7nXqnydGwBSehV5wX0dpwq2y94jyttxHwNoJkm5au4c0TQ2bAP6FEN87n6h"
    "fbuqpRz/A164NVMzCEBlwYOt5ObYNpNqQp2zcTzgtp2Oc5GvY5TcPWyMsZxH4pboSVbhuU"
    "XSPTDpdFXp+V/eSsKvBL9lUFUJlEXGT3WNHoS/BbNWzIH4ibysck10/FvZPZk6u93kl7Le"
    "/I9Tgl53pTuE6Z7M7Tpzyo2Q6/DJO21yAtcXqdfPx5gvfVDFEyL3zvwAZGlss1PrFMSJNN"
    "WLAiPtB73E1bIYoNLhLWCE2rxOE1cXtsE3qv9MRHdRdxsUhDPRTRZqaT/wsGTfRlLObtOk"
    "b36mzNiZtw3k1IBCTE3tQgAxHvfdEQFHfk6obDCRLJSZxIhEggS4EXehGwymsQicqwVoZu"
    "L1cJMj/KgRqzga8LyfiBb7nhFldY5xQl6w6vTQ5cqbiLeINuXgCG5DYV1mHb7WHVwG0N9A"
    "UQgQznWBPugueVDjRxA+YQLJUniJxgaOCsoJT46Z264KEezQr1WCiGaQmsEQlxqhbGJRwX"
    "spoc51hNjtNWE1XcAeoYEUe6GNLMdvGqTeH7C1+qxBK+xhgxjeKAoH0G1ipSKlynFdsyEd"
    "K0cJX4UADjD5kQf0h5k7mNrWXWFm5j+zdyPcvGFg9yI5oJW+ZHjKYqr9ShqRE5qR8uXmmA"
    "mZM/roOODgvfotkfsYHFmv+RyGXils0qbHO5ZhtveFLsNeHAzTbUhLOkiIHGjw0Bkq6tRb"
    "ShWWCobbiJpVkmFmRrc0hZHHOitAKK1mXTnJ4UCVo8yY5aPOHZNPVm05C/AmMBhShNVTjv"
    "MSOsEMwXOTBfcJMVN1m1yWT1JFoC+z4Xp2rdOC5/r8NaL1aMKUL/DL5kSGkRkjYM5DzDxO"
    "CXWcwmkQq3D+wSt+PRJ795MgY/sWzsnhrHU+J4StyhzB2eEneA8HMnRsvM2dyJ8W/keqmB"
    "wl4w2CvtwqnoswMbCYcV9trMfapey3oY1kkxrsdiPrPt62G4ZlEbuxN+CzRIVFASx2itoB"
    "OwaPaACAxdxUQiksPLQLEAmV1AQeCtWw+WXO8C3cCNdBM6sjyUv6MZ66v9MW71b5bVv2Z7"
    "XsPArSEZu06zf8NW6DqKzoqm+YwVYmElmisms2mSsIWAn58XGs/nOeP5PAm4Ygp4sVeeKI"
    "M6t5JAjI6XDSheNoDsuPSBvb0omU9bY1WZ8dfRgLWujEvUA86fBzTsj/qfyHfvwwOaDL7c"
    "DL6SS/6nBzS9v7sbT2Y94H0gBcyub2bjCSlf5nxIyjaFwrxLL14mqqoQ5vsUnzAxOj5hik"
    "8YbSEKJpQMaAkQScZmbdHKKmZ7IrLo27BB1O2WIFh6ZSl3sASlqXlJiOYYf9I2P8IvJw8I"
    "q3uUEtuXyjJTXUuRtuY4gP+cnJyevj95d3rx4fzs/fvzD+8CFS59K0+Xu7z5RBa7GHf5oQ"
    "Htt7sWsbY7U0fVlwragfEpYr7KNm2V3bEYh6QTcxxmtUyrlshiMR4uxInX3ZVX4PjAZn8h"
    "W7uOoEBGuGDpjxC9ErMxgjPc14x0dbBTJh8vE5om7ve14f1uLy3FiAQEyHhf5a6bOguW0D"
    "Vu5oIlu57yclC1SvyXTJUpCaq+xMuURKqQJAuUpCqYlFCmJNwCc4+FyfLKRZOH8o+HYfLJ"
    "+Tktb0zgyE7A0gHePjzfl2hZorSCsn/V83f7tUjeEsscuLqfzsbDwYTqhiu9/9yzH8mbB9"
    "HwGOrwjtdz6mTIsAVm9B/caVen087nFovDI0rTwpyS4/NC9TnOc+pznKe8S7FZsQPWVeeW"
    "tA1v7s2r2ZvHS3hUXcJDEzfCHArwRVJtmeaIyHUCUai5K6i4K2hH1PcEd3DlsPE23ThF0a"
    "SdNpDtdqPRtmEVr9vl5g9ewVQ8zZbFFpym5sbgphmDqdy2kUWL4yvI7YCac7vJ3NZs0xKk"
    "FRbAoOCLvKwSRUYXfJ9j2Oe4kzWTAS12sjrxizvyPUnL19kmr7OBOcFdKHdheEYXnO9N5j"
    "sPo/j38NovR8/koIgT8YqLlFPuQt9gQUwjFPUF/TUc0VS8TxzgNLrMFSx3dWw3YwXaWsAy"
    "Mqjo5SspS0EJqFaQkNyQwIEYuvFlcPf6oDzciodb8XT5w465yo3LSYaNUsJzKJGl2VE6JE"
    "0gFtbqNN8arYOXBvf4n2hu+xsTWBABvzvgRMn2gHPYrgyIIxnKXbDUdRksdMONvcGbwfcK"
    "SofrVPEDPFO+WUE3hH3MgQkxotZlzJdfoJFbVrOhb69l1TZ3qxRlcrvavtlbyNbiRv4y7U"
    "pREm5n2WoVcOAqQYF91QGdh6G8RkcWq+papawc018pgnJSv82WkuNqdTERuY+Agp4Uy1Fy"
    "ulhoNaEFVAU9kjJOw499IK1ElWz8EEuwmA0qJKdldgF8WSuELd24XEuJaK/gB7iI3CwReW"
    "0beOvYuVxJhLzJgaUYiC83s/7sZjzqgfDzA7rrT6dfx5NrYTLApD0Q//6A8CgXsOB7ezsY"
    "fRr0QOxrcr4UisEuvViJs2AwKzlxKq7lcC2HaznUWD28k0FzB67HKVvI9QPhciFlhyuz7e"
    "bvPpTZhh0fUkXMQCRnmCVwIELGkS0SOxAkOZcQQFDQUNAsjJlCCCLDa3scwT6MMIeJbVNt"
    "ML5rnFZGIPSa51QRiDQqUtcbDwsof68gMDf0Z5PU2zaApCoQWUeACMFOlW1HvXpjOoYPoJ"
    "ieHYRauvu1/XGDSrMMKlwf5/o418erLJpnQrhzsHeEtoWcPxBOF0yTPCTTyx4ktlZw2ZV0"
    "hMzTJ3PCdFKUbUg9r3rbdJQjLEjTTjLML44TUrUP50oKtXCjEzc6NRnZhoWmNAvg8qwi1A"
    "HMjXllGfP2Y3SKphf0kflML2NJadXNM0XF8iDEkKBIJJDbnNSWFBGAL5gAOO/SBc+KtQIi"
    "kPT1xj8bDg8MqALROQfuGf8RzceM+J+SuuVGqmYZqRiLI7a3JmL5ErYzCVjADQhaCG8lB8"
    "g9iapNCVjLrlMWELQC4Tz1v4rqZFjlV/xku4LLcJSkNafClKbGeBmObEpMnIiH12/VYYww"
    "6/OVkvZuuaQNQ7uo1B0fZ02VuX02bBG6I9wqKHVHRs1WsTsb++3ibliKHY8+y3aeiBRlj5"
    "ZxD77HWnBBuU5BudazgJsmadQgy+37LOs9b4HVH2Yt6dpaREzaXoSkhab+KkYxr8ledU32"
    "cA/cJUsppK7xWOW7wej6ZvSpwwa3T9YD3ocH1L+7m4y/DK57wP9Ejlf+PLiakWv+p6T1rg"
    "iTys9GMu25pli7BeYkaVsYoNHi0Bz/zDR2vscpeSZFk+M1DPgnlKzdjgug0bZBwKjbICfD"
    "uaUz+sBjNNwBnrLJ+WvQfMOKa4KOY8vri/JAmINCdkv2VQkWZF65lbbSlgBs+wOMUhtMDG"
    "H8FGB0f3ubhJhs9iXAex101FJsI0JRAVx5+FZZ4Vshvtm+pEg4ohOEVGJF2DAYqyUrcmyY"
    "Egv5awsz29ZcfxlC0/QslAepkdVbODeOGa0aWBLUnHJgTlNBi7QtkJtKGA+eDWJDI5W7nJ"
    "g8Ez8Dfnc8hURH9ybheeS6e8YJidSzoKqaQF90gQmRBch54gYtU7Xk3gv5SAO7LYIvliDi"
    "n9bW5C/NMUqukPvkJ8i1SJ5f4Fb11iLuR63bj+qNZKq+ku0jiVO1Liu2krQTAwuMa4UxwS"
    "dG1EJvVCWu1ehiUxToKE0Lca4inJa7Vqt1rZKTQfDumgb483Q8yooQCEiS7hpFssA/QFXK"
    "ipGjOFZ/WNjIlTbmtqJaCjKPyM/+yOhpLcO+TyDKt+8nTfnduE+GdJC07x+gr/t/94N7zw"
    "XN4Op2qXrA/fuApoPRrAfI/w/oY//mltxz/ybF0f04tz35k8Ka7IzOCAmPhE7asZNSfQrX"
    "fMcxhbyFMQNtch+bTso+e2RISMbDA5rMX6fGCjQMmvU5OzAgTsVDAthDAng1pOw9q70hVw"
    "vdWEJL0LEYKJhUjT/3XHkaOT9TnuFM+foDGxq2zJWfGZdOxWFNk8vsgUc7bE+Zo2dC7SV/"
    "rlnIF0+fyxx/zA7QKp1VfVtWrMETRNQcusjdbp6bSiTtBBg03Oqj+rrSgazI4HklWqSoxP"
    "NKkVZAn5PA0C7+BknFCRksDF0j3wx4BEa4ewPYayKCyF2AnK8ukJSSFVX8QNFsPu5c2pNz"
    "SZck2zB2En8TpO0rFthi8RevNLohPGJcd7WVxntosqug078e3ox6wPnzgK7up7PxcDDpAf"
    "/TA+qPxqNfh+P7KW7lf3xA01+ns8GwB9y/DbGjSszx61ESLjmnJWcXH+baMwmyNpheanD8"
    "urEujDjT461akLZcvs/XFddcjBhATpC1bzBXhjTTUhyj4Wtxei3mNY3rHcTcDFd6MpxFDy"
    "HOjgiJkPCIkHz3TsGIkJSdbk+GImgo0qpDMxK5d7q5BqKwTZXVlLi5pU5zyxM0TEb5N0LS"
    "ZC27SXG8ZFIxIOw1byG6x4Uq9hznVOw5TlfscSIYaR7TLUGPVC9pDVvcfmIV2rGZffs/cb"
    "POLQ=="
)

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The mails about a registration request are linked to it, so deleting the request can take
# them along (rule 6); outboxMessages pages by (status, id); company names are matched by
# name_key now, so the plain name index only slowed writes.
#
# Every statement runs through `db`, inside aerich's transaction (a returned script would run
# through sqlite3's executescript, which commits first), and a column already there is left
# as it is: SQLite cannot drop a column holding a foreign key, so after a downgrade the
# upgrade finds it.
COLUMNS = {
    "forget_once_sent": {
        "sqlite": "INT NOT NULL DEFAULT 0",
        "postgres": "BOOL NOT NULL DEFAULT False",
    },
    "registration_request_id": {
        dialect: 'INT CONSTRAINT "fk_outbox_m_registra_2b85a11d" REFERENCES "registration_request" ("id") '
        "ON DELETE SET NULL"
        for dialect in ("sqlite", "postgres")
    },
}
HAS_COLUMN = {
    "sqlite": "SELECT 1 FROM pragma_table_info('outbox_message') WHERE name = '{column}'",
    "postgres": "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = 'outbox_message' AND column_name = '{column}'",
}
INDEXES = [
    'DROP INDEX IF EXISTS "idx_debtor_name_87733a"',
    'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_status_8fe57d" ON "outbox_message" ("status", "id")',
    'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_registr_2ea47f" ON "outbox_message" ("registration_request_id")',
]
DOWNGRADE = {
    "sqlite": """
        DROP INDEX IF EXISTS "idx_outbox_mess_registr_2ea47f";
        DROP INDEX IF EXISTS "idx_outbox_mess_status_8fe57d";
        CREATE INDEX IF NOT EXISTS "idx_debtor_name_87733a" ON "debtor" ("name");""",
    "postgres": """
        DROP INDEX IF EXISTS "idx_outbox_mess_registr_2ea47f";
        DROP INDEX IF EXISTS "idx_outbox_mess_status_8fe57d";
        ALTER TABLE "outbox_message" DROP COLUMN IF EXISTS "registration_request_id";
        ALTER TABLE "outbox_message" DROP COLUMN IF EXISTS "forget_once_sent";
        CREATE INDEX IF NOT EXISTS "idx_debtor_name_87733a" ON "debtor" ("name");""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    for column, definitions in COLUMNS.items():
        if not await db.execute_query_dict(HAS_COLUMN[dialect].format(column=column)):
            await db.execute_query(f'ALTER TABLE "outbox_message" ADD "{column}" {definitions[dialect]}')
    for statement in INDEXES:
        await db.execute_query(statement)
    return "SELECT 1"  # aerich runs what is returned, and asyncpg refuses an empty script


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXWtv2zYX/iuEv6wDvKBJk67IOwxwE3fLFttd7OyaQZAl2tYiUZ5EJTG2/veXpO4SJY"
    "uuJcsagaJ2KB5aeg4v565/epatQ9M9uYNLw8WOig0bfTCgqfcuwT89pFqQfCnu1Ac9db2O"
    "u9AGrM5NRuUkuiuLqP+ctmmY9FiopgtJkw5dzTHWtB+lGyAAX0gf8LcHXdoIyD8VuCt7/Y"
    "ULkqOChe1Y/wPwCTobwH4BGLTH357hQP2E/pxua6S3gZZ7H9lDBhlGwfYS4hV0yPh//NGj"
    "Q9GLj3DT+/NP8sVAOnyBLr1K/1w/Bkgk4TUYMKxdwZs1a7tBOIJYnyuabXoWijuvN3hFUA"
    "17GwjT1iVEkNw/pMNjx6PYIs80A4aEcPs3HnfxbzFBo8OF6pmUQ5Tav4G4raco48lMmQ5n"
    "itLLcS+kSMAeNGk2ouiSW3XZ0y/pLXx1dnr+9fm7N2/P35Eu7Dajlq8/+T8dA+MTMnjGs9"
    "4ndl3Fqt+DYRyDSjmQQ/VqpTp8WIPuGVzJDWdxDVEsAzZsiJGNp3oT0Frqi2JCtMQr8ufb"
    "8xIcfx7cXX0/uHv19vxL+oM2WZn+4h0HV87YJQp1DC15bmiKgBsRdBDes9evK+BLehUCzK"
    "6lEV7brsFuq/q+kCTZvjvsC+bXrd4dYkA1B9InV1Sch/SaXMGGBfm4pikzyOoB6Un45Rin"
    "M3lAfYLMTXAAlOA6uxkNp7PB6CP9Oct1/zYZfoPZkF45Y62bTOurt5mJHw0CfrmZfQ/on+"
    "D3yXjI4LVdvHTYL8b9Zr/36D2pHrYVZD8rqp44q8LWELUU1+lprAidrgmK5hZRy09ZKrcs"
    "HrmHbCjupNH9YDvQWKIf4YaBfEPuSEUa5IAaCJbTYJgjA/dTOHvC1nhaOupzJOglJxV5dv"
    "LEEPsH5mB6Nbge9hjCc1V7fFYdXUlBTa/YZ3amJeqbv2SdWdkWFalLBg59CnrPSdQ5Yn7I"
    "jWLJPmT7Vlm+GEqO9CzF5QOKyysV6SYUEepiiv1IdYeFt2aRmX0KgBv2lwJzNYE5ZWuAiA"
    "LB2SXe27YJVcSHvGiIDAvmZIy6eBC11HdY8TB/P5ncpiS69zezDPb3o/fDu1enjCWkk+Ef"
    "YHk5m5wZjv2kmgo9NfgTfog8KycXpDiRG6S5VdAbDcb3g9ueGBMCqkvgfz6gwf1sMhrMbq"
    "4uQfQ1a42qslZO31ZYKqdZCTteKfRSmkHBIylrx9CgYpIZr2B16eZZ9cN0MuYvlJIhsuqR"
    "oWHwL6BdamPYNwsPacxkN/cMExvIPaG/960gC/exjihkqXUUMuLVaPBrlkdXt5P3WZWHDv"
    "A+wzDLQIblWYrt6NBRVMv2EE+HhZphqSafYUVDZLnlj3ESjFWBY8EJ3ZZzpoQ118Orm9Hg"
    "9tXpef8ss4mFPDrPHSraCmqPtkdmurqxIMJkrluGKPjFg0j4t8DvOQ5EmpAZN0nT4KkxvL"
    "+ra79JHwhvKpwHbwqPgzd5Sy5aekQ7FNr/U0QH3fEDhZWqo+5JeCxFt9eZIwDZ2FgYWiCZ"
    "WqohZHznU++0OFq24WT0iosqWhvpVaxXXOT1NgreRtE8F9sWOTwJZA78C2p843ypfrFtqA"
    "b1jFCzPlo1g0DowIVjk+PUc4RWQ56yeyvhopKGfVGiYV/wNGyLPpxD7ZfqRlnZnsM5NQrt"
    "cEXkzVnZz87rAn/PvqoIKpeKi+IeKx79HvxWLZvyR+KmCjEp9VNJ72Tx4uqud9Jb6ztyPU"
    "0pud4WrnMWO7v7nAe12OFXYNIOOuQlzmCQDz/ekXO1QJQsC987solR5HJNLywX8mQTEayo"
    "D/SeDNNViFKTi4Y1QhfvcXrd+SN2Cb06PfFXRB1RNfyRTFt2tzmXfLpDv8w3r/ldlXXcd3"
    "vELfB7A3sBVKDDOVGS+uB5ZQNL3YA5BEvjCSIWJwvY4uKE1u40hIwCaFcUwMJwXKyIOqvT"
    "VB10WZ9WUqhPSxTq07xCbao7QJ0ikkhXQ1rYZFq3lfRwkS21GEnXBCOhWRwRdM/2Vke0ve"
    "/PENsmYpoO7hLvKmD8rhDidzlHozS/dEwRl+aX/yLXi8wv6fgnqpmIJQWkaOpyWBybGlGS"
    "FeDjlQdYOC/gOhrouPCtmhiQmliiqQGZNBdp9GrcbBNMT469Jp64xYaaeJVUMdCEYQNAs6"
    "21ijY8Cwy3jzSxtMvEgjxrDjmbY0kAT0TRuUSLN2dV4tnOigPazmSiRbOJFvRTEcytT9LU"
    "hfMBk4Uqwfy2BOa30mQlTVZdMlk9qVgRP+fSVJ2bx/s/64jWSxRjjtA/gy8FUlqCpAsTuc"
    "wwMfx1lrJJ5CKxI7vE7WT8Xdg9G56d2TZ2z5qS2VIyW+pY1o7MljpC+KUTo2PmbOnE+C9y"
    "fa8xpEEw2GfahXPRZ0c2E44rIrKd51SzlvWBTqQw5orgGNfji/0y+7pKuzG3SDUb+xSriw"
    "UNX8QryOIUXfDKsU0IBtejm/GXeYN7FQJpfW+X9b1hu1rLwG0gX7ZJ83vLdsom6oKqrvtM"
    "FFNlpborIfNllrCL/o6Li0oT+qJkQl9kETdchZwaxhNnVpdme6foZGp39dRuqccWT/fj1G"
    "iq6LEsrt20l0RiE2d8jlhmO7dHefV5vZP26kLXJTh9blSTP8rR8rxcbaV2UJ1selJjPazG"
    "GsXOFRTU3a6vRlF81dTVONzrCxewzQ9gG9jIV0X7QMVY1VZQD1sDU1CYpudrqlf309lkNL"
    "zjaLc1jF/6xgz65FGgCIE6vhKMnHufRtyDaL9/Sj26ST065JaIDpKk6aD6cXpRKXXtoiR1"
    "7SKn8KVWxQ5Y1x121TW8D6xgt+wkbUC/ltltdWe3WepGmUMFvmimpwtXxeZQS2tGdWvGjq"
    "gfCO6o5bjxdn0XnuryajQWx8bxaLuwizcdJBdOXsU1guwuEWNOnlpac9pmzeFy20OY51qr"
    "yO2IWnK7zdy2PBcr2ooIYFAJRV5RiaJgCHnOSS+J9JKUrj7mUdyR71lauc+2eZ+NzAn+Rr"
    "kLwwuGkHxvM9+lH/S/w+uwUqOQgyJNJIuRcN4NIF/6Kl/62rx3uS/60lfOVrAHVGuI1W9j"
    "5Zz0Nrh76RwbQYWehAq2H+HnRppMEJyRsWZ0qA7N7PTuKmNyZCrJMQXmpBYlJzgnu2iLA3"
    "TSewXruz1KBwEDPRmYMQ7YDgi1sq+IIAkxMA30eAlcgpoJaV3sPoAva4Oi2AfsVUU6oA5l"
    "qHMCdPY6tExUaVeAzdpziL6x8yt0E+Rt9pATIH6+mQ1mN5PxJYi/P6CPg+n0l8ndtXI3JK"
    "SXIP13di1UChfZ+6t02TYgHCiSpupcVtH+i8lIU3cx9N01dbOzCro7cD1N2UGuHwmXK9nA"
    "iFyyU/ECV9qzj4K/UVD7Dha5BJm0c1ayykXpA3swze2vEHAb7UfZCSZqQao1lSQwjvAySW"
    "K7SUkiSaJThTQSl0wNqH9lIDB37GcCCdUlNdOACJ8AKlyw+gZMbP3CZSojMNxAg+SljXz2"
    "eFIVbZcqKvUcqedIPUfqOYc5ytvO5Gqufnb8KYUFW4u30TxlF0LS695L/dpPQtJAkmQnda"
    "NltYfriKo4kCLXPWRL9Dg2D/egw6WqpB0VwFV1uOSK3R5icSD9+DihbbN6nHSFD5D7zK+5"
    "wOnVL1OaUz57NSao4uH1u9NCCCoC8IUQAPYsffBs4BVQgWavN2GhQDIxoAlUFxgYPJMP1X"
    "0s8O7uaVipTrdLnRbM5O9uAn8dr0oli0AE3Iigg/DWUoDwSTU9TlBCcVJtRNAJhJtOpSV6"
    "qBEGhlXchpMkzUUzv271ZpwMzWOxc2JKTJpI+qK26jBOHKH4mZL2bnGPLUO7qtSdnmdtlb"
    "lDNmwRuhPcqih1J2bNVrG7GPvt4m5cN4zMPuyxO6IVxJI1x6K/Uz2koNykoCxf5VivLHfo"
    "WugHPgLrL4YevIZXyNwfk3TPzl/LLJYFxOouIBafgbtEosfUzSHd+zgcX9+Mv+uJwR2SXY"
    "LgywMafPx4N/l5eH0Jwm8P6G74w/BqRtvCb1nr3WHi0V1vbhl4txCCLK0MImiLf7lKEEFY"
    "BFqc72lKGUvb5iACB/4FNbxbbTsebRcEjKYNcjqcY1vQB56ikQ7wnE0u3IPmG1FcM3QSW1"
    "kMQwbCHBWyssxIk2VG4h1zD8B2P8Aod8CkECZ3Acb3t7dZiOlhvwd4r6OBOoptQiiqgKsM"
    "39pX+FaMb5UCOX4Q0h6rl8TBWB3ZkVPTlFrIP7eKkIfn9ssIum5goTxKjazhIi8pzHhVXr"
    "KglpR5YV0VK9G3QhYdZTx4dqgNjdZl8d8JTO6BPDtZQirTvWl4Hm33C3LSSD0MTdMF9qIP"
    "XIgwIFMDOrycuj2PXslHGtltEXzBikp+2lrTT+kYPbRjNJiaXAWk2OmRpupcQl4tb6dxiA"
    "S4pgk4IkCniDroXqrFV0p3F7pBiQCdpOkgznXEx0pfab2+UlqXkhyXeYB/mE7GRS7/iCTr"
    "fzE0DP4FprGvoDeOp/SbhYd88WHuGSY2kHtCf/ZbQdfpPgz2FKJyg33WNt9PO1noAFmD/R"
    "E6r3+6H94HPmUB37VPdQn8zwc0HY5nl4D+/4A+DG5u6TX/sx3e6kCg5LCmOEUzQSJDm7OG"
    "6ayYnsO13BPMIe9gEECX/MEuSwwXD/WIyaS/v838Za9zgI7DMycXe/rTVNLHL+7jl4VYis"
    "+s7sZQLWxnCbFiEzFQcbkaf+lbzXjk8o1mAm8046WCiKZpFY4gve3bU7b4mTgHyd9qF/LV"
    "07cK55+wA65OZ8nA0w08fIKIm8OVuNovc5OotJ8Co45bfSS/rGygGzp4XqmYFjV4XhnaCt"
    "hzGpjYJ39BWvFABwvHtuhfDjwBYzK8A7w1PTH1PkDsTx9ITsmEOn5AFk9ol+vD1jTPcXYS"
    "zjKk3SuY1mHhjGwstqM8Elx3teSlR2izIbs3uB7djC8B+3hAV/fT2WQ0vLsE4bcHNBhPxr"
    "+NJvdT0iv8+oCmv01nw9El8D9bYuXThMOlkyQ1yW1HHYDq4yNc6iRD1gXDQANuST+0QhBn"
    "fnhPB7Jk9++R9KUzHyMBkDNk3ZvMtSEttBWnaORezHkNu6zr2ugk1iHmB1gWu9cTJNK9Xm"
    "4rr+hez1mRDmTGgA7R73s8E4Z/pV9qvoj71FlrRloHmrQOPEHHFRTXEiRtVgrbFBRJF5WI"
    "QOx37yC6p5XqmZyW1DM5zdczYeFgPPfTlggyrsupgSPuMI7fbhxmn/4PoJSIEw=="
)

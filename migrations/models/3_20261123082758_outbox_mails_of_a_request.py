from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The mails about a registration request are linked to it, so deleting the request can take
# them along (rule 6 of docs/api.md), and digests are found by (template, created_at) to strike it out;
# outboxMessages pages by (status, id); company names are matched by name_key now, so the
# plain name index only slowed writes.
#
# Every statement runs through `db`, in aerich's transaction. On PostgreSQL that transaction
# also records the version; on SQLite the script returned to aerich runs through sqlite3's
# executescript, which commits first, so a run cut short before the record runs again: a
# column already there is left as it is (SQLite cannot drop a column holding a foreign key,
# so after a downgrade the upgrade finds it too) and every index is IF NOT EXISTS.
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
    'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_templat_b92f80" ON "outbox_message" ("template", "created_at")',
]
DOWNGRADE = {
    "sqlite": """
        DROP INDEX IF EXISTS "idx_outbox_mess_templat_b92f80";
        DROP INDEX IF EXISTS "idx_outbox_mess_registr_2ea47f";
        DROP INDEX IF EXISTS "idx_outbox_mess_status_8fe57d";
        CREATE INDEX IF NOT EXISTS "idx_debtor_name_87733a" ON "debtor" ("name");""",
    "postgres": """
        DROP INDEX IF EXISTS "idx_outbox_mess_templat_b92f80";
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
    "eJztXWtv2zYX/iuEv6wDvKBJk67IOwxwE3fLFttd7OyaQaAl2tYiUZ5EJTG2/veX1P1Cya"
    "JrybJGoKgdioeWnsPLueufnmlpyHBO7tBSd4gNiW7hDzoytN4l+KeHoYnol+JOfdCD63Xc"
    "hTUQODc8KjvRXVlE/eesTSW0xwIaDqJNGnJUW1+zfoxugAF6oX3A3y5yWCOg/yBwVtb6Cw"
    "ckRwULyzb/B9ATsjfA+wWgsx5/u7qNtBP2c5ql0t46Xu59ZBfrdBiFWEtEVsim4//xR48N"
    "xS4+ok3vzz/pFx1r6AU57Cr7c/0YIJGEV/eA8doVsll7bTeYRBBrc0W1DNfEcef1hqwoqm"
    "FvHRPWukQY0ftHbHhiuwxb7BpGwJAQbv/G4y7+LSZoNLSArsE4xKj9G4jbeooynsyU6XCm"
    "KL0c90KKBOxBk2phhi69Vcd7+iW7ha/OTs+/Pn/35u35O9rFu82o5etP/k/HwPiEHjzjWe"
    "+Tdx0S6PfwMI5BZRzIoXq1gjYf1qB7Bld6w1lcQxTLgA0bYmTjqd4EtCZ8UQyEl2RF/3x7"
    "XoLjz4O7q+8Hd6/enn/JftCiK9NfvOPgypl3iUEdQ0ufGxki4EYEHYT37PXrCvjSXoUAe9"
    "fSCK8tR/duq/q+kCTZvjvsC+bXrd4dYkBVG7EnVyDJQ3pNrxDdRHxc05QZZLWA9CT8cozT"
    "mT6gNsHGJjgASnCd3YyG09lg9JH9nOk4fxsefoPZkF0581o3mdZXbzMTPxoE/HIz+x6wP8"
    "Hvk/HQg9dyyNL2fjHuN/u9x+4JusRSsPWsQC1xVoWtIWoprrPTWBE6XRMUzS2ilp+yTG5Z"
    "PHIP2VDcSaP7wbKRvsQ/oo0H8g29I4hVxAE1ECynwTBHBu6ncPaErfG0tOFzJOglJxV9dv"
    "rEiPgH5mB6Nbge9jyE51B9fIa2pqSgZlesMyvTEvXNXzLPzGwLxHDpgcOegt1zEnWOmB9y"
    "o1iyD9m+VZYvhpIjPUtx+YDi8gpizUAiQl1MsR+p7rDw1iwye58C4Ib9pcBcTWBO2RoQZk"
    "Bwdon3lmUgiPmQFw2RYcGcjlEXD6KW+g4rHubvJ5PblET3/maWwf5+9H549+rUYwntpPsH"
    "WF7OpmeGbT1BQ2GnBn/CD7Fr5uSCFCdygzS3Cnqjwfh+cNsTY0JAdQn8zwc8uJ9NRoPZzd"
    "UliL5mrVFV1srp2wpL5TQrYccrhV1KMyh4JGVt6ypSDDrjFQKXTp5VP0wnY/5CKRkiqx7p"
    "KgH/AtalNoZ9s3Cx6pns5q5uEB07J+z3vhVk4T7WEYMstY5CRrwaDX7N8ujqdvI+q/KwAd"
    "5nGGbqWDddU7FsDdkKNC0X83RYpOomNPgMKxoiyy1/jJNgrAocC07otpwzJay5Hl7djAa3"
    "r07P+2eZTSzk0XnuUFFXSH20XDrT4cZEmNC5buqi4BcPIuHfAr9r2wirQmbcJE2Dp8bw/q"
    "6u/SZ9ILypcB68KTwO3uQtuXjpUu1QaP9PER10xw8UVqaOOifhsRTdXmeOAGwRfaGrgWRq"
    "Ql3I+M6n3mlxtGzDyegVF1W0NtqrWK+4yOttDLyNoroOsUx6eFLIbPQXUvnG+VL9YttQDe"
    "oZoWZ9tGoGhdBGC9uix6lrC62GPGX3VsJFJQ37okTDvuBp2CZ7OJvZL+FGWVmuzTk1Cu1w"
    "ReTNWdnPzusCf8++qggqh4mL4h4rHv0e/FYtm/JH4qYKMSn1U0nvZPHi6q530l1rO3I9TS"
    "m53haucxa7d/c5D2qxw6/ApB10yEucwSAffryj52qBKFkWvndkE6PI5ZpeWA7iySYiWDEf"
    "6D0dpqsQpSYXC2tEDtnj9LrzR+wSenV64q+oOgJV8pFOW+9ucy75dId+mW9e9bsq67jv9o"
    "hb4PcG1gJAoKE5VZL64HllARNuwByBpf6EsBcnC7zFxQmt3WkIGQXQriiAhW47RBF1Vqep"
    "OuiyPq2kUJ+WKNSneYXagDtAnSKSSFdDWthkWreV9HCRLbUYSdcUI6FZHBF0z/ZWR7S978"
    "8Q2yZimg7uEu8qYPyuEOJ3OUejNL90TBGX5pf/IteLzC/p+CemmYglBaRo6nJYHJsaUZIV"
    "4OOVB1g4L+A6Gui48K2aGJCaWKKpAZk0F2n0atxsE0xPjr0mnrjFhpp4lVQx0IRhA0C1zD"
    "XEG54FhttHmljaZWLBrjlHnM2xJIAnouhcosWbsyrxbGfFAW1nMtGi2UQL9qkI5tYnaerC"
    "+YDJQpVgflsC81tpspImqy6ZrJ4gUcTPuTRV5+bx/s86qvVSxZgj9M/QS4GUliDpwkQuM0"
    "wMf52lbBK5SOzILnE7GX8Xds+GZ2e2jd2zpmS2lMyWOpa1I7OljhB+6cTomDlbOjH+i1zf"
    "awxpEAz2mXbhXPTZkc2E44qIbOc51axlfaBRKcxzRXCM6/HFfpl9HbJunlukmo19SuBiwc"
    "IXyQp5cYoOeGVbBgKD69HN+Mu8wb0KgbS+t8v63rBdrWXgNpAv26T5vWU7ZRN1QaHjPFPF"
    "VFlBZyVkvswSdtHfcXFRaUJflEzoiyziuqPQU0N/4szq0mzvFJ1M7a6e2i312OLpfpwaTR"
    "U91otrN6wlldjEGZ8jltnO7VFefV7vpL06yHEoTp8b1eSPcrQ8L1dbmR1Uo5ue1FgPq7FG"
    "sXMFBXW366tRFF81dTUO9/rCAd7mB4gFLOyron0ACYHqCmlha2AKCtP0fE316n46m4yGdx"
    "zttobxS9+YwZ48ChShUMdXgpFz79OIe1Dt90+pRzepR4fcEtFBkjQdVD9OLyqlrl2UpK5d"
    "5BS+1KrYAeu6w666hveBFeyWnaQN6Ncyu63u7DYTbpQ5UtCLariacFVsDrW0ZlS3ZuyI+o"
    "HgjlqOG2/Hd+FBh1ejsTg2jkfbhV286SC5cPIqjh5kd4kYc/LU0prTNmsOl9suJjzXWkVu"
    "R9SS223mtuk6RFFXVABDSijyikoUBUPIc056SaSXpHT1eR7FHfmepZX7bJv32cic4G+Uuz"
    "C8YAjJ9zbzXfpB/zu8Dis1Cjko0kSyGAnn3QDypa/ypa/Ne5f7oi995WwFe0C1hlj9NlbO"
    "SW+Du5fOsTBS2EmoEOsRfW6kyQSjGR1rxobq0MxO764yJkemkhxTYE5qUXKCc7KLtjhAJ7"
    "1XeH23R+lgoOMnnXiMA5YNQq3sKypIIgIMHT9eAoeiZiBWF7sP0MtaZyj2gfeqIg0whzLS"
    "OAE6ex1aJqq0K8Bm7dpU39j5FboJ8jZ7yCkQP9/MBrObyfgSxN8f8MfBdPrL5O5auRtS0k"
    "uQ/ju7FiqFi+z9VbreNiAcKJKm6lxW0f6LyUhTdzH03TV1e2cVcnbgepqyg1w/Ei5XsoFR"
    "uWSn4gWOtGcfBX+joPYdLHIJMmnnrGSVi9IH9mCa218h4Dbaj7ITTNSCVGsqSWAc4WWSxH"
    "aTkkSSRKcKaSQOnRpI+0rHYG5bzxQSpkuqho4wOQFMuPDqG3hi6xeOpzIC3Qk0SF7ayGeP"
    "J1XRdqmiUs+Reo7Uc6Sec5ijvO1Mrubq944/pbBga/E2mqfsQkh63XupX/tJSBpIkuykbr"
    "Ss9nAdURUHUuS6h2yJHufNwz3ocKkqaUcFcFUdLrlit4dYHEg/Pk5o26weJ13hA+w882su"
    "cHr1y5TmlM8exgRVPLx+d1YIAWKAXigB8J6lD551sgIQqNZ6ExYKpBMDGQA6QCfgmX5A57"
    "HAu7unYaU63S51WjCTv7sJ/HW8KpUuAhFwI4IOwltLAcInaLicoITipNqIoBMIN51KS/VQ"
    "PQwMq7gNJ0mai2Z+3erNOBma58XOiSkxaSLpi9qqw9hxhOJnStq7xT22DO2qUnd6nrVV5g"
    "7ZsEXoTnCrotSdmDVbxe5i7LeLu3HdMDr7iOvdEasglqw5Fv2d6iEF5SYFZfkqx3pluUPX"
    "Qj/wEVh/MfTgNbxC5v6YpHt2/lpmsSwgVncBsfgM3CUSPaZuDunex+H4+mb8XU8M7pDsEg"
    "RfHvDg48e7yc/D60sQfnvAd8Mfhlcz1hZ+y1rvDhOP7rhzUye7hRBkaWUQQVv8y1WCCMIi"
    "0OJ8T1PKWNo2BxHY6C+kkt1q2/FouyBgNG2Q09CcWII+8BSNdIDnbHLhHjTfiOKaoZPYym"
    "IYMhDmqJCVZUaaLDMS75h7ALb7AUa5AyaFML0LML6/vc1CzA77PcB7HQ3UUWwTQlEFXGX4"
    "1r7Ct2J8qxTI8YOQ9li9JA7G6siOnJqmzEL+uVWEXDK3XkbIcQIL5VFqZA0XeUlhxqvykg"
    "W1pMyL11UxE30rZNExxoNnm9nQWF0W/53A9B7os9MlBD3dm4XnsXa/ICeL1CPIMBxgLfrA"
    "QZgAOjWQzcup2/PolXykkd0WoxeiQPrT5pp98hyjrIVdZz/B2hIZSdJp2qjTNJi2XOWk2C"
    "GSpupcsl4tb66xqXS4Zsk5IkCniDroeqrFj5rcWaoCnaTpIM51xM5KP2q9flRWs5IepXmA"
    "f5hOxkXhABFJ1jejqwT8Cwx9XwFxHC/qNwsX+6LF3NUNomPnhP3st4Ju1X0Y8xlE5cb8rN"
    "2+n3bAsAGyxvwjdGz/dD+8D/zNAn5tn+oS+J8PeDoczy4B+/8Bfxjc3LJr/mc7PNmBsMlh"
    "TXH6ZoJEhj1njdZZET6Ha7mXmEPewQCBLvmKHS9pXDwMJCaTsQBt5q/3qgdk2zxTc3EUQJ"
    "pK+v/F/f+ySEvxmdXd+KqFZS8RUSwqBioOV+MvfeMZj1y+7UzgbWe8NBHRFK7CEaQnfns6"
    "Fz9L5yC5Xe1CvnpqV+H8E3bO1elIGbiaToZPCHPzuxJX+2UuFMj6KSjquNV/8svKApquge"
    "cVJKzgwfNKV1fAmrOgxT79C7FqCBpY2JbJ/rLRCRjT4W3grtmJqfUB9v70geSUU6jjB2Rh"
    "hXa5PixVdW17J+EsQ9q9YmodFs7oxmLZyiPFdVdLXnqENhuye4Pr0c34EngfD/jqfjqbjI"
    "Z3lyD89oAH48n4t9Hkfkp7hV8f8PS36Ww4ugT+Z0usfKpwKHWSpCa57aiDU318hMugZMi6"
    "YBhowC3ph10I4swP/elABu3+PZK+dOZjJAByhqx7k7k2pIW24hSN3Is5r2iXNV8bncQaIv"
    "zgy2L3eoJEutfLbeUV3es5K9KBzBjIpvp9j2fC8K/0S80XcZ8669BI60CT1oEnZDuC4lqC"
    "pM1KYZuCItmiEhGI/e4dRPe0Uq2T05JaJ6f5WideOBjP/bQlgozrcmrgiDuM47cbh9mn/w"
    "Oz1ZFT"
)

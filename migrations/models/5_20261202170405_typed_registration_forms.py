from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Typed, multilingual registration forms. A field's one label becomes its label in the shop's
# first language (existing fields are TEXT and required, the columns' defaults); an answer keeps
# the label it was given with, now also as the labels of every language, and its value as the
# one item of its values. A request gets the email it is open under (the newest PENDING request
# of an email and shop, should a shop hold several from before this guard) and the hash of its
# verification link. Shops made before keep botProtection off: their storefronts send no
# formToken yet; a shop made from now on has it on.
#
# Columns are looked for before they are added, so a run cut short runs again.
HAS_COLUMN = {
    "sqlite": "SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'",
    "postgres": "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = '{table}' AND column_name = '{column}'",
}
ADDED_COLUMNS = {
    ("registration_field", "type"): "VARCHAR(16) NOT NULL DEFAULT 'TEXT'",
    ("registration_field", "required"): "BOOL NOT NULL DEFAULT TRUE",
    ("registration_field", "labels"): "{json} NOT NULL DEFAULT '{{}}'",
    ("registration_field", "help_texts"): "{json} NOT NULL DEFAULT '{{}}'",
    ("registration_field", "options"): "{json} NOT NULL DEFAULT '[]'",
    ("shop", "default_country"): "VARCHAR(2)",
    ("shop", "require_email_verification"): "BOOL NOT NULL DEFAULT FALSE",
    # Existing shops get FALSE here; the default for new ones is TRUE (set just below).
    ("shop", "bot_protection"): "BOOL NOT NULL DEFAULT FALSE",
    ("registration_answer", "type"): "VARCHAR(16) NOT NULL DEFAULT 'TEXT'",
    ("registration_answer", "labels"): "{json} NOT NULL DEFAULT '{{}}'",
    ("registration_answer", "option_labels"): "{json} NOT NULL DEFAULT '{{}}'",
    ("registration_answer", "values"): "{json} NOT NULL DEFAULT '[]'",
    ("registration_request", "open_email"): "VARCHAR(254)",
    ("registration_request", "verification_token_hash"): "VARCHAR(64)",
    ("registration_request", "password_hash"): "VARCHAR(255)",
}
JSON_TYPE = {"sqlite": "JSON", "postgres": "JSONB"}
FIRST_LANGUAGE = {
    "sqlite": "COALESCE(json_extract(\"shop\".\"languages\", '$[0]'), 'en')",
    "postgres": "COALESCE(\"shop\".\"languages\"->>0, 'en')",
}
OBJECT_OF = {"sqlite": "json_object", "postgres": "jsonb_build_object"}
ARRAY_OF = {"sqlite": "json_array", "postgres": "jsonb_build_array"}
BACKFILL = [
    """UPDATE "registration_field" SET "labels" = (SELECT {object}({first_language}, "label")
        FROM "shop" WHERE "shop"."id" = "registration_field"."shop_id")""",
    """UPDATE "registration_answer" SET "values" = {array}("value"),
        "labels" = (SELECT {object}({first_language}, "registration_answer"."label")
        FROM "registration_request" JOIN "shop" ON "shop"."id" = "registration_request"."shop_id"
        WHERE "registration_request"."id" = "registration_answer"."request_id")""",
    """UPDATE "registration_request" SET "open_email" = "email" WHERE "status" = 'PENDING'
        AND "id" = (SELECT MAX("other"."id") FROM "registration_request" AS "other"
        WHERE "other"."shop_id" = "registration_request"."shop_id"
        AND "other"."email" = "registration_request"."email" AND "other"."status" = 'PENDING')""",
]
INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_registratio_shop_id_59acec" '
    'ON "registration_request" ("shop_id", "open_email")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_registratio_verific_5fb92f" '
    'ON "registration_request" ("verification_token_hash")',
]
NEW_SHOPS_PROTECTED = {
    # SQLite cannot change a column's default; Tortoise sets the field's default on every insert.
    "sqlite": [],
    "postgres": ['ALTER TABLE "shop" ALTER COLUMN "bot_protection" SET DEFAULT TRUE'],
}
DOWNGRADE = """
    DROP INDEX IF EXISTS "uid_registratio_verific_5fb92f";
    DROP INDEX IF EXISTS "uid_registratio_shop_id_59acec";
    ALTER TABLE "registration_field" ADD "label" VARCHAR(200) NOT NULL DEFAULT '';
    UPDATE "registration_field" SET "label" = (SELECT {text_of_first} FROM "shop"
        WHERE "shop"."id" = "registration_field"."shop_id");
    DELETE FROM "registration_request" WHERE "status" = 'UNVERIFIED';
    ALTER TABLE "registration_field" DROP COLUMN "type";
    ALTER TABLE "registration_field" DROP COLUMN "required";
    ALTER TABLE "registration_field" DROP COLUMN "labels";
    ALTER TABLE "registration_field" DROP COLUMN "help_texts";
    ALTER TABLE "registration_field" DROP COLUMN "options";
    ALTER TABLE "shop" DROP COLUMN "default_country";
    ALTER TABLE "shop" DROP COLUMN "require_email_verification";
    ALTER TABLE "shop" DROP COLUMN "bot_protection";
    ALTER TABLE "registration_answer" DROP COLUMN "type";
    ALTER TABLE "registration_answer" DROP COLUMN "labels";
    ALTER TABLE "registration_answer" DROP COLUMN "option_labels";
    ALTER TABLE "registration_answer" DROP COLUMN "values";
    ALTER TABLE "registration_request" DROP COLUMN "open_email";
    ALTER TABLE "registration_request" DROP COLUMN "verification_token_hash";
    ALTER TABLE "registration_request" DROP COLUMN "password_hash";
"""
TEXT_OF_FIRST = {
    "sqlite": "COALESCE((SELECT \"value\" FROM json_each(\"registration_field\".\"labels\") "
    "WHERE \"key\" = json_extract(\"shop\".\"languages\", '$[0]')), "
    "(SELECT \"value\" FROM json_each(\"registration_field\".\"labels\") LIMIT 1), '')",
    "postgres": "COALESCE(\"registration_field\".\"labels\"->>(\"shop\".\"languages\"->>0), "
    "(SELECT \"value\" FROM jsonb_each_text(\"registration_field\".\"labels\") LIMIT 1), '')",
}


async def _has_column(db: BaseDBAsyncClient, table: str, column: str) -> bool:
    dialect = db.capabilities.dialect
    return bool(await db.execute_query_dict(HAS_COLUMN[dialect].format(table=table, column=column)))


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    if await _has_column(db, "registration_field", "labels") and not await _has_column(
        db, "registration_field", "label"
    ):
        return "SELECT 1"  # applied in full already (aerich had not recorded it)
    for (table, column), definition in ADDED_COLUMNS.items():
        if not await _has_column(db, table, column):
            column_type = definition.format(json=JSON_TYPE[dialect])
            await db.execute_query(f'ALTER TABLE "{table}" ADD "{column}" {column_type}')
    for statement in BACKFILL:
        await db.execute_query(
            statement.format(
                object=OBJECT_OF[dialect], array=ARRAY_OF[dialect], first_language=FIRST_LANGUAGE[dialect]
            )
        )
    for statement in [*INDEXES, *NEW_SHOPS_PROTECTED[dialect]]:
        await db.execute_query(statement)
    await db.execute_query('ALTER TABLE "registration_field" DROP COLUMN "label"')
    return "SELECT 1"  # aerich runs what is returned, and asyncpg refuses an empty script


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE.format(text_of_first=TEXT_OF_FIRST[db.capabilities.dialect])


MODELS_STATE = (
    "eJztXfmP4jgW/les+mV6JKbUdXX3otVIFEV3M8NRS0H3zC6jKCQGshUcJkcdmu3/fW3nTp"
    "wQ0wmEjKVSJTh+JnzP5+f3nv862xgq1K3zCVxplm3KtmagjxrU1bM2+OsMyRuIb7IztcCZ"
    "vN2GWUiCLS90KmVGskvLIP+CpCk2zrGUdQviJBVaiqltST4i10EAvuA84E8HWiQR4D8ZWG"
    "tj+4MFoqWCpWFuWsB+3UK1BTQsJytrYCyBvYZ+fl1GK0deQeucfLtqKFhYQ6uqv8hBGi5V"
    "so0VxHlM/HX/+c8ZyUkePsLXsz/+wDcaUuELtMhT8nH76OEUBV+jsNF0ibwASesjO1CAup"
    "AUQ3c2KMy8fbXXGHM/t4ZskrqCCOKfA0nxtukQ5JGj6566fGW4Lx5mcV8xIqPCpezoRH9E"
    "2n2BMO1MkkbjqfTQm0rSWUq3vkREC16SYiACNn5Vi/76FXmFny4vrt9ff7h6d/0BZ6GvGa"
    "S8/+Z+dQiMK0jhGU3PvtHnsi27OSjGIahEAylUu2vZZMPqZU/gil84iauPYh6wfkKIbNgQ"
    "DgHtRn6RdIhW9hp/fHedg+OXzqT7uTN58+76R/KFBm63btMeeU8u6SMCdQgtRYeJbQ85G4"
    "pvH7+QjBSYwtmXPRzQZ9Peb9MzPqipTBuQ/3M0nA2m/UF/1GuD4HaORrPhbW/SBu51jnrD"
    "Tn/QBvQyR/efxyQ/vczRbIKf4H9z9KUzlXzJ8H6OuuPZaDr5vQ28G5zyedzv4iLcq/cWkp"
    "8a/UTy9rq/3o5/I7nduzm660xxPvI/2SsWqTQX7wpUmot3mZWGPIpXGhP+6WgmZHR1t4ah"
    "Qxmx22VULFFnFliuqkrj94QVtM4cYG/H4wEpeWNZf+o0oT9NIEzry5sLCjzOpNkw2h2GcO"
    "Nf743WcbB/eRiP2EiHEgmcVU2xwf+AjsfKytroP5cOUug4vHA03daQdU6+9mfOdluGEghC"
    "MSX4tfrNsPNbssJ3B+NbCplh2SuTlkILuE2oYw31rWTjuQiXSuJSQi2lq8Wgb8ilk4hIPR"
    "RCvq8xCsHPNfqOxSfEUZHd0+KyNPG21tPiEFDFhOSXS7KdhvQOP7G1DWTjGpdM1nVP9Ny/"
    "OcVpMv6B6hjpr954n4PrtD/sPUw7w/tYhSeTK/Lkkqa+JlLfJGdHQSHga3/6GZCP4N94fp"
    "hsF0G+6b/PyDvJjm1IyHiWZDWySPNTfdRiWifLUIlrWRmROFwjqvnykizYl4/M1aW/zo+j"
    "+9EwobZCv8LX1CIoAarHtzx4xZwYuN/82uOnhtXSlJ8DhiNaqfBvx78YutPVbueh27nrnV"
    "GEF7Ly+CybqhSDmjwxLo1ESpA3/WhzuUmmyEheUXDIryDvHEWdwX752sgmvHy176S4sqFk"
    "0EaCJzoiT7SWkapn0BkZs/JAohwS47jwVswV0SsHuH7+BhJxl2/fFkAX58qElz5L0ioRCh"
    "4iAgQ/xcIu4oB0S5BysnwLHjNM40nWJTJq7EuOpgo5IEs67IxmnQEvT+pKtYF7naPObDoe"
    "dqb9bhsEt/XgH72fJG1NTYESWTRLtrziWvrnFCGogNKpgI2GtI2zkQxThaYkbwwHsdawUN"
    "E2ss5WWFYRSW25ZZx7ZRXQmDdC12WcyVHNXa/bH3YGby6uW5eJTszX0XVqUFHWUHk0HFzT"
    "5dcNRDau6xuNF/zsQgT8O+B3TBMihWv/MipzwFGjN5tU1d/EB4SrAuPBVeZwcJWEONjK59"
    "shiQgdtcf3FqxkOWqd+8NS8HqNGQKQYWtLTfFmphtZ07mWEkzpvRpHzTqcxLripsiqDefK"
    "XlfcpNdtBLxXSXEs29jgwRNDZsL/QoVNzueuL3YVJbZ1iy8zMIQmXJoGHk4dk6s1pCWb1x"
    "JuCq2wb3JW2DesFfaG/DiT8Jfyq7Q2HJMxamTycFnih2PZL6+rAr/kvSrP1sPtq6UnaAbd"
    "NzejkVeQ4DU4OpyFQda7hr1Xz58WFn19cej9eZ1Clq0m12qAIdq83v6yyKwne86T2c9bZL"
    "HKv1/Oki9h17xmKjiRTXIfk9xdcmEbkd3Smmsb4WzVPbUelxRar4vWGY2dvn3KfiPb3CBj"
    "Q83LkJ71eIV8/HWCZ/UZk5s8n5oTqxhZBh/xhmVB1sqIBytigTHDxTQVoljlIqsUaLEsgv"
    "etXhO3xCah9512QFHmRF4u01APZfQ6Ncj/giZbHRVP8/ato0c19cix2qK/TUqYQ8V+qUkq"
    "Ih77ogZwbs01TKoJ4kCF02UiJJGuwDP8ClTlZYjYhNlr03BW64SYb2PFtBjD6VLSeulbrr"
    "FX10C2rNj3uG+icKWsvuIZWnnmX4qbVdqGeXf7OgI3N/EllIEKF7ZhtsDz2gAb+RUsIFhp"
    "TxBRF0NAe1CGF+NeRQhDs3oZmi0107IlXnuouFQDraIuCnG2Fzmc7UWas9XlPaCOCQmkiy"
    "HNvStX9Ubc8YwnK9mH22KMuGpxINA8wq9861R/y5yvmwhlGthLfCiA8YdMiD+kbFkEx9Yw"
    "tkVwbH9HrWdxbPENK7Iy4fM7i8lUtSd+asuIHMczF680wNyuZ3dBQaeFb1Hfs1jF4vU+S3"
    "hSCmazCm4ul7bxqieDrwkrbjZRE7aSIgSNb5kGFGOzldEri4Fh5hEUS70oFuRsFpDROebY"
    "iAYSjfPluypiH3GVbSBxlbKQEL581frykavEGbcsKlMVzkf0Ry0E87scmN8JykpQVk2irJ"
    "5kW+If5+JSjavH5Y91eNWLF8aMSf8UvmTM0iIiTajIecSEF1Ex29kn4CUG49EnP3vSAyjR"
    "bezvmCsccoVD7qm0HeGQe4Lwi02MhtHZYhPj76j1Ug2FPWOw7+SFU9ZnJ1YTTsvstZ7j1G"
    "GZ9dCsk0Gux2w+s/n10FyzKMdOzW/BBpIlaPRYBasNZGAaOhaSkRomA80GpHWRoxjewCdo"
    "vtL0FjBMnMmwIJ3LQ/VHFllf7ZcJ1r9erP+B+byagXuAUBCHpP1r1kMfgPXfypb1jBfE0l"
    "q21ly0aVKwgYDf3BSqzzc59fkmCbhmSbiz154YlTrXmz0mJxzZizuykxGXXbF3h0T0ZQ8Y"
    "02r8ddTjjWrlCrUBvczRsDPqfCKfvZs5mvS+9HtfSZJ/N0cPs/v78WTaBt4NCZ9415+OJy"
    "R4Ir1Jzm0KmXmXHjpR1nUp9Pcp3mBicqLBFG8wm6UsWVAxoS1BpJivW5sV1DV7JyJLvgkD"
    "xKG3JQiWXlDcPZigtLQICVEf8ifN+RF9UT8gvNxjBPi/1VaZy7WUaGMOI/nH5eXV1fvLt1"
    "fvPtxcv39/8+FtsIRLP8pby932P5HOLqZdcWRJ83nXImw7bTq6sdLQHopPCYtetm697J7B"
    "OBSD0HFY1SorVisPYzxcyhOvuK4XXv3EWn8hrt1AUCI1XLKNR8g62owHszGCU1zWlBR1sk"
    "0mHy8LWhb7DDgu8363lIZiRAwCVDyuiq2bQwYsYa+4uQOW7HvG1EnFKvF/ZCpMSRD1JR6m"
    "JBKFJBmgJBXBpIQwJeEQmHsoVdauXNR5KP9wKq49Od+nhRxtTuZOwDYAHj68vS/ZtmVlDV"
    "U/1dvv9mORvCHMHOjOHqbjYW/C3IYrvfzcI9fJLw+s4THU4ROv5NSB7GEOrOg/xKbdITft"
    "fG3xbHhEZRroU3JxUyg+x01OfI6b1O5SrFXsgXXVviVNw1vs5h14N0+E8Kg6hMdGfpUWUI"
    "Iviu6orI2I3E0ghrTYCiq+FbQn6keCO0g5bbwt105RtlgR77O33ViyTejFD73l5ldeydK8"
    "lS0PF5yWFmRw3chgprYdZLPs+ApqO5AW2q6ztjeOZUvKGk/AoORPeXlnFBlFiHGOY5wTm6"
    "yZCmjwJiu1X9xT70lZ0c/WuZ8N6AS3o9xH4RlFCL3XWe/CjOLvo2s/HD3XBkVcSERcZJyx"
    "Ge4NFsQ0InE4o7+aI5qy94kDnEaXO4Llvhvb9eiBdgawjFQqdvhKRldQAqoVOCTXxHAghm"
    "68G9w/PqgwtxLmVsJd/rRtrnLtcpJmowzzHIZlabaVDnETiJm10uw7rXVw1+Ae/xP1bf/B"
    "AjZEwC8OUCvZNqBHfauAbCRDtQVWhqGCpWG6tjd4MPhJQ2lznSq+QHjK18vohqiP2zAhJt"
    "Q4j/nyAzQKZjUb+uYyq461X6QoS/Bqx1ZvIa7FtfzlGpWiIoJn2ckKULhKWMB+1wGdp7F4"
    "jdYs3qVrlXPl2PqVMVFOrm+zZ8nxZXWxKXIHAQ09aTZd5LTwpNWCNtA19EjCOA0/doCyln"
    "Uy8EM8g8Vq0CE5LbMF4MtWI2ppxee1DIv2Cr5ATJHrNUXeOiYeOvYOVxIRr7NhKQbiS3/a"
    "mfbHozYI7+fovvPw8HU8uZMmPSzaBvHPc4RruYQnvoNBb/Sp1waxj8n2UsgGu/RgJbTD4F"
    "7kxKXEKkescsQqh2mrh0cyaO2h9bhkA7V+IloutNgRi9lm6/cYi9maHR9Shc1AxGeYx3Ag"
    "IiaQLWI7EDg5l2BAUJAoqBfGXCYEkeq1247gGCTMaWJbVw7G3xpnhREId81zoghEMhWJ64"
    "2rBVR/0hBYmMazReJtm0DRNYjsc0AmwTTKNl1e/WBR4gNolseDMEN3f295glCpF6Ei1uNi"
    "PS7W41UGzbMg3NvYOyLbQM2fiKYLukmeEvVyhBlbI7TsznSkzNMnc8x0UpJNcD2vetikiy"
    "M8kWadZJgfHCeUah7OlQRqEaSTIJ3qjGzNTFPqBXB5rAizAgsyrywy7zikU9S9oIOsZ3YY"
    "S0auVh4VFfODkEOBIpZAbnYSW1JGAL5gAUB/Sws8a/YayEAxtq/+2XD0CZDpOXDP+CJbj1"
    "BtA6hqNtYcMMw0UVX2N8wRVSb5EOYnsUxN4LpfWwAZ/neutCcoLOzryHZxRllsbnDF8qfq"
    "FB0mtrvNsnzZA54i5Ye64rHKIjJtQP7P0XA2mPYH/RGxsvJv58iN79IG7nWOesNOf9AG9D"
    "JH95/HJD+9zNFsgp/gf3P0pTOVfMnwfo6649loOvm9DbwbnPJ53O/iItyr9xaSnxr9RPL2"
    "ur/ejn8jud27OSKL6DYg/5Nd5nGswbAOIdfZkIFAA9tkJccXUsAYTMUvD+NRDsQshkLVFB"
    "v8j561Wlmz/OfSQQqBESwcTcfjrXVOvvZnzqZaBjlFEIrxUqnYeckwea044UQKSMbOM+gb"
    "SvxaSQkK5ZSunCdZdxhjWHZEyUCgEb1RHlFbRRxJih5XIwgl6lH7yfc1pvbj55rvpV5w2R"
    "EVacxxaqXxf15oAD72Ly4k/NJ2kn9mGC7hOymq/YIw1AztonRVvJ7Vlazy1bCDrYpoqyBd"
    "Fak1O/mqbOxzDzwxthBJ7ln22Seb4DppO/Q9yRkn0VNRgs+xHIIuOiRdxHsCSoNPP6lkce"
    "q2Dg6AA4GqED6ezdnlTRFKDufK2dRNm50Zm62MuDjPiEgDd86roVjEESfVHnESjoH7sMuh"
    "9AH55fve6K4/+sRLMc9GX3qT/sd+764Nwvs58oprA+9mjjr395PxF5LPv5ujSe+XXndK0v"
    "y7etC8lrPYaPZ+9q9J2QbaQTbYAtY/mpRf73FJ4bBYZ7NIE/4XKvZ+p/KwZJsw8Tg0mxpZ"
    "bnLMQ+JSTcD9ALPqJ2hqS01xmYT9HGhyiihFCY12phGHOB7YNliFC9vgNGONyQgb1tTugD"
    "+/Wbzy4pqQE9iKIwKELftJIbsjgEIJe1ni8AVWT1sCsM33EUgNMDGE8VuA0WwwSEJMBvsS"
    "4L0LCmootpFJUQFchQdGWR4YIb7Zu9oRjyJqyF/ioQ6hP0VDeuRYNSX8wfeereLYC+NlCC"
    "3L2xU5rUVYJkxVWkrEMWMF9E2CmhPRl2aVNpG8BcLLEMWDZ5Pw8yT4LvWNsfA74N+Om5Ds"
    "msvJFk13/WSIh40Ndd0CxrIFLIhs142GFWym5NJ3O+NErS0QfLElGX/1ZkuuLGMMkkKek6"
    "8gaZFQHYEph9cXCduNQ9tueDWZuV7JZojiUo0LbFMJO2TiCeNW4/TRjwk1cAe8EuI52tkU"
    "BToq00Ccy2eXhTlH1eYc5HA/PLqmAc62/I+I1MP0v1GOLydoX/OvWW/mmbdwmNe4Um3gXu"
    "fooTeatgH5P0cfO/0BeeZek9PR4xjOePNPhmqyg7JERIRPRpLHTs7qU7jmG6UwxBtoj9Qk"
    "0xSLRt3itzoLxYTpUZ31S8MkQtNksc/ZRkdxqSZYARza3EgENM0es5przrk0zBW0JQNPAy"
    "WLueK/NQwdyoitepZ4ogIssHxVOg9SDtv+bsfjQUy/t/1kA6MBP95cUMXiTJq7Z1EHw4aa"
    "dXPl++imnQJ5HXYzSxDWDrudd9k+mUfx5K0X8sUdeTPrH/cGaJWbVR1H1ezeE0RMb97I01"
    "beNpVM8kkwyLhzj+rr2gCqpoLntWyTYHDPa01ZA2NBjM5b+BMkkeJUsDSNDflkwnMwwsWb"
    "wNmSKYjaAoh+dIFknIlQxRcU2qkSm0vH21wyFMUxzb2mvwnR5sX7bvD0F/c0hik9Ylz35U"
    "rjJdR5q+Csczfsj9qAXuaoO3uYjockQp1/N0ed0Xj0+3A8e8C5/Ns5evj9YdobtoF7rQmP"
    "qnDbr0dFxMw5PXN28eEO4JcQawL1coCNX9fWhRNntr1VA0IllL/n607XXIw4QE6INa8yV4"
    "Y0V1cckxF9cbovFseSHLYSCxqudGc4m21CnG0REhERFiH52zsFLUJSPN2RiCJoasr6jEUS"
    "uU9auQRRmKfUuG4J/kXQLYekW56gaXHOfyMidV5l18mOlzQqDoS97A1E96JQlLCLnChhF+"
    "koYdSCkbVjusPokblLeoAh7ji2Cs0YzL79HwJfQPQ="
)

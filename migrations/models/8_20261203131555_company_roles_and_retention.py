from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# A shop user's role in its own company (MEMBER, or ADMIN of its colleagues' logins), and how
# long a shop keeps rejected registration requests. Both columns come with their default, so
# existing rows need no backfill.
#
# And what mergeDebtors keeps of each debtor it merges away (its number, name key, VAT number
# and email, with the debtor it became), so that registrations naming it still match: a new
# table, so nothing existing is held. Its key and times are written per engine; every clue has
# an index, as on "debtor", because matching looks each one up.
COLUMN_TYPES = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "time": "TIMESTAMP"},
    "postgres": {"id": "SERIAL NOT NULL PRIMARY KEY", "time": "TIMESTAMPTZ"},
}
MERGED_DEBTOR = """
        CREATE TABLE IF NOT EXISTS "merged_debtor" (
            "id" {id},
            "number" VARCHAR(32) NOT NULL,
            "name_key" VARCHAR(600) NOT NULL,
            "vat_number" VARCHAR(32),
            "email" VARCHAR(254),
            "merged_at" {time} NOT NULL,
            "debtor_id" INT NOT NULL REFERENCES "debtor" ("id") ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS "idx_merged_debt_name_ke_35527a" ON "merged_debtor" ("name_key");
        CREATE INDEX IF NOT EXISTS "idx_merged_debt_vat_num_84ecf1" ON "merged_debtor" ("vat_number");
        CREATE INDEX IF NOT EXISTS "idx_merged_debt_email_ffd061" ON "merged_debtor" ("email");
        CREATE INDEX IF NOT EXISTS "idx_merged_debt_debtor__302bbe" ON "merged_debtor" ("debtor_id");"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return MERGED_DEBTOR.format(**COLUMN_TYPES[db.capabilities.dialect]) + """
        ALTER TABLE "shop" ADD "rejected_request_retention_days" INT NOT NULL DEFAULT 180;
        ALTER TABLE "shop_user" ADD "company_role" VARCHAR(8) NOT NULL DEFAULT 'MEMBER';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "merged_debtor";
        ALTER TABLE "shop" DROP COLUMN "rejected_request_retention_days";
        ALTER TABLE "shop_user" DROP COLUMN "company_role";"""


MODELS_STATE = (
    "eJztXety4kiyfpUK/+meCNanfevpw25sBLbpbmYM+GDontlhQiGkwmgtSowudhO78+6nsn"
    "SXSkKiJSw0FeEwolRZEpl1y8wvs/5zsjZUrFunE/yoWbYp25pBPmpYV0+66D8nRF5jepFd"
    "qYNO5M0mrAIFtrzQGZUZqS4tg/oLKFNsWmMp6xamRSq2FFPbQD2g6xGEv9E66A8HW1CI6J"
    "+MrJWxeWOhaKtoaZjrDrK3G6x2kEbpZGWFjCWyV9ivr8vk0ZEfsXUKT1cNhRJr5LHuBzlE"
    "o61KtvGIaR2TPu63306gJtx8wtuT33+nFxpR8TdswV34unny+BRlvsbYxsoleAEoGxA7EI"
    "C6kBRDd9YkrLzZ2ivKc7+2RmwofcQE05+DoXnbdIDzxNF1T1y+MNwXD6u4rxihUfFSdnSQ"
    "H1C7LxCWnUjSaDyVHvpTSTpJydaniEjBK1IMAsymr2qxX/8Ir/C387PLHy8/XLy//ECrsN"
    "cMSn780310yBiXkLFnND35k92XbdmtwXgcMhUkkOLqzUo2+Wz1qif4Sl84yVefi3mM9QtC"
    "zoYD4RCsXcvfJB2TR3tFv76/zOHjl97k5nNv8vb95Q/wQIOOW3doj7w75+wWsDpkLeMOl7"
    "d94qwZfwf0hWSi4BSffdrDMfpk2v9lelKO1Yymi+D/nAxnd9PB3WDU76Lgck5Gs+F1f9JF"
    "7uec9Ie9wV0XsY85uf88hvrsY05mE3qH/puTL72p5FOG13NyM56NppNfu8i7oCWfx4Mb2o"
    "T76b2F5JdGv0Hd/s3P1+NfoLZ7NSe3vSmtB/+Ts2KRTnP2vkCnOXuf2WngVrzTmPgPRzMx"
    "Z6q7Ngwdy4Q/LqNkiT6zoHR1dRp/JqxhdOYw9no8voOW15b1h84KBtMEh1l/eXvGGE8raT"
    "aOTochu+mv91brOLN/ehiP+JwOKRJ8VjXFRv9FOl0raxuj/1g6RGHr8MLRdFsj1ik89p8l"
    "x20VQgAOxYTg9+q3w94vyQ5/cze+ZiwzLPvRZK2wBq4T4lhhfSPZdC9SSiRxKiGWysVisD"
    "csJZMISTMEAs9rjUDofY29Y/ENcZRk97a4Kkm8a/S2OGSoYmL45ZJsp1l6S+/Y2hrz+Rqn"
    "TPZ1j/TUvzjGbTL9geqY6Ftvvc/h63Qw7D9Me8P7WIeHzRXcOWel20Tp2+TuKGgEfR1MPy"
    "P4iv5F94fJcRHUm/7rBN5JdmxDIsaLJKsRJc0v9bkWkzqooVIptTJCcbhB1HD1EhT25RNX"
    "u/T1/Dh3Pxom1h7Jz3ibUoISTPXsLQ9eM0fG3D/93uOXht3SlF8CC0e0U9HfTn8xdrerN7"
    "2Hm95t/4RxeCErTy+yqUoxVsMd49xIlAR107fW5+tkiUzkR8Yc+BXwzlGuc6xfvjSyDV6+"
    "2HeauLJZyTEbCTvRK9qJVjJR9QxzRsauPKCoxojxuuyt2VbEPksw16/fQkPc+bt3BbhLa2"
    "Wyl91LmlUiJnhMgBHlTSz8Jg5obglKjtbeQtcM03iWdQlWjX2No6lGDmglHfZGs95dWTup"
    "S9VF7uec9GbT8bA3Hdx0UXDZDPuj95OkjakpWAKlWbLlx1Kqf04TwhRQuSlgrRFt7awlw1"
    "SxKclrwyE8HRYr2lrW+QLLaiIpLbeNU6+tAhLzVuimrDM5ornt3wyGvbu3Z5ed88Qk5svo"
    "MrWoKCusPBkO7enydo2JTfv6WivL/OxGBPt3sN8xTUyUUv7LKM0BV43+bFLXfBNfEC4KrA"
    "cXmcvBRZLFgSu/nIckQvSqM76nsII6ap36y1Lweq1ZAohha0tN8Xama1nTS6kSXOq9BkfD"
    "JpyEXnFVRGujtbL1iqu03gbM20qKY9nGmi6elGUm/jdW+Mb5XP1iV1PCrVtczaAsNPHSNO"
    "hy6pilRkOasn0j4aqQhn2Vo2Ff8TTsNfw4E+yX8lZaGY7JWTUy7XBZ5Iezsp9f1sX8in1V"
    "HtbDnaulZ2wG03dpi0ZeQ8KuUWLCWRig7xr2XjN/mljM9cVZ7+/rFFBbzVLaAIe0fbP9eZ"
    "FdT/aeJz3Pw54EqxLMHtiy6adN1VbYPKryttyUv7Olw83+Zx+OBaoQrJQWWAvKAxZ49BXA"
    "Fho2Bo4EpeDzJBemIMAp2YOrveAUZ6PuKfU4pZB6U6TOGezs7VMAmmy8R4ZH06uQ3nZ6jX"
    "z8eULVqozdZV5Q05F1jCzETXxgWZinmpbhFUBgZrSZtrIo1rm87VmF3Wvittgm7n0nECtq"
    "upKXyzSrhzLZTg34XxAz11PpNm/fPvqqWJsc2Bz7bVICjxb7pSZ0RLr2RRGIbs81TCYJiG"
    "Cj5TIQSTAVeMi7QFRehQgoz16ZhvO4SpD5IDcuZI+WS0n4WGyEveDFyjCeOIOqtKS/uk21"
    "Xs6R31lUyh6XS4nYpykv31w05Y1BbFmx7+naw9iUglXGK3Ty8JWKW1XahHV3BxMjtzYE68"
    "pIxQvbMDvoZWWgtbxFC4wetWdMWAwvYiskJ0x4ryYEkrNZSM6lZlq2VBZwGKdqIezwrJBT"
    "5CzHKXKWdoro8h6sjhEJThfjdGm3d92e7tdDJ9fi6N5QHpXqxQFB+yzq1cO/fUxKuWkipG"
    "nhLPGhAI8/ZLL4QwosJmyoLbOmCRvqX1HqWTbUuEcYNJNygZ0xmrrcjsemRuREdrr8SjO4"
    "dGznbdDQcfG3aHBnrGOVDe9MhCoLy3Udttdcs43XPTn2mrDjZhtqwlFSxEDjQz+RYqw3Mt"
    "nyLDDcOsLE0iwTC3HWC8yZHHNA2AFF64JlL4oAkC6yEUgXKQiSCJatN1gWPqWSiQGjNHXx"
    "+RUDvgux+X0Om98Lk5UwWbXJZPUs21L5dS5O1bp+XP1aR7VeqhhzNv1T/C1jlxYhaUNHzj"
    "NMeClLs6PpArvE3Xj0ya+eDLFLTBv7R76LiHcR8X4sY0dEvB8h+4UTo2XmbOHE+CtKvVIg"
    "uAcG+067cAp9dmQ9oRCseY3NR27erxKMGrI2qvRaNI9PjYF/N3M9P6wHItbhOH6IZIfM9k"
    "a43V8q55RwayN7JdvoRbaQ2wiiP95AMjHA34DeskL3FawOMh0do7MrgIkCT/9H3mina/WH"
    "LjskRtEdNzNMwrFRy3PmRHNbe6KzLNWHth30hDc2sgz3QXL8cBvKWfo+iNJYtqbraC3bdL"
    "Nqsfa896P3FlihEjidkzmZ0hvPMjwJySZm9bz3dqu/sRA8V2ZNbNELppVeVphAMy906/t3"
    "emEhbwb30LX0pxvPWJ3DD4cGbZk2SF+VqO77IA+rTElP0VdoLFJLs6BFrC/99wCctNlhjz"
    "GxQvUdt/k5oT/3RbNZK8KFJFxIjVuoDuFEEk6O2p0cwkx8kN4sfEn1+pK8rVN5FTxG2EIN"
    "/Hg17rShReAGBW6wHbjBOvXRMNyWo4zGYnGzNdEwjLaoGsrCoqlSA3uC6HmjVheUOEOnRK"
    "AhBcWgYYFVDM4ofYufsbll5R3EdEzDwswHh9UfeCC7eh8mVK1mqVoH3js1jLkHyJF6SLhe"
    "wyyGB0DrbWTLejHorL6SrVUZPqcIW8jwq6tC/fkqpz9fJRmuWRKd7LVnTqfOTfMYoxMZHo"
    "tneIQVl9+xd58V4tMeMNn7+OuoXzbdu0vURexjToa9Ue8TfPcu5mTS/zLof4Ui/2pOHmb3"
    "9+PJtIu8CzhX5HYwHU/gVBF2kdzbFBkz1Z8pIuu6FGboKD5gYnRiwBQfMOulLFlYMbEtYa"
    "KY243N83pmIwiz6NuwQBwaTgi89E6L2sd8lKIWqTqbbEICebH8HVTd45x8ea09ZqprKdLW"
    "nNL7v+fnFxc/nr+7eP/h6vLHH68+vAtUuPStPF3uevAJJruYdMVZvu3HSxVBybGhoxuPGt"
    "lD8CliMcs2bZbdCxsHkAcwx1FRq7xDjEoBv5byxGvuxjt38MhGfyHsl0GwBD1cso0nTL6T"
    "Z2OCp7StKTR1tEMmn18Wtiza7veG5buttJRHAORXw0T/Akp4kESyfI27dHrRfQ9fP6rcov"
    "6PTCUWDbLxxhOLRlKHJrOKpjLLVpA+NlwCc09rz/LKRZN+5J/aXson5+eieGMhtndCtoHo"
    "8uH5vmTblpUVVv3SOMoRvQXLHLqZPUzHw/6E64arvH2O5+234LB6+OUBwIuyOrzjtXzye8"
    "JNF9aggv5dOO0O6bTzpVXG4RGlaSFG8uyqUF7Nq5y8mlcp71JsVOzB67rhkm3jt/DmHdib"
    "J1Jv1p16cy1vpQWW8DdFd1Ru+FWeE4hDLVxBxV1BXpow6Xt8qMk2DuhLHfbhd5Z1prpUXe"
    "R+zknvdjgYdRH72MclWvGA2HMkvNIQCEqOdgwwxlluLKNs8Y7nzHaF8mjbsLIe2g3qd17J"
    "0rwppox9Pk0tDPRNM9Bzpe0Qm4etLCjtgFpIu8nSXjuWLSkruinGkq+GlN3lZTQh1rkyez"
    "3h+P4LOr4ZpnRPuSdpxTzb5Hk2MPG4E+U+As9oQsi9yXIX0Ja/jqz9o/1KOY3iRCIKNb01"
    "ivhrC/I0QnE4IGbDOZoT1+t7Qr8zqndfsEEzZqCdQb2RTsUP6eVMBRVwtYbkbg0Bc8S4G5"
    "8G9z9rRUDgBASuah6JlHqHxcHlp9RLQHl5WfXSaN+cxHpLWYpBjVn1nQgqOjW4RylH8w28"
    "sZCNCfKbQwy53KVV6KSvInDuY7WDHg1DRUvDdPFQdDH4m0bSEKo6HiCyFzQLCAXiKw0WiR"
    "G1LotB9YddCMtqNuvba1l1rP2yblvCrvba4i1ka3HR2KVWpSiJsLPstAowdlWgwMbSSh0X"
    "h4sqr9Ge1aR0XzH9lbNRTuq32bvkuFpdbIvcI0gjz5rNlJwO3bRa2Ea6Rp4gtdbwYw8pK1"
    "mHhR/THSwVg46RA+3gbxsNxNKJ72s5UQY1PEBskZu1Rd44Jl069oY/RsibDPaljPgymPam"
    "g/Goi8LrObnvPTx8HU9upUmfknZR/Puc0F4u0Y3v3V1/9KnfRbGvyfFSCBdfeQIZNmGUVn"
    "LiVELLEVqO0HK4WD26kmFrD6nHKVso9SORciFlRyiz7ZbvayizDUsDXwdmIBLHXQY4ECET"
    "nC2CHQgCzysAEBQ0FDSLx6UgBJHutRtH8BpGmOPkbVNtML5rnJfaIfSa52R2iFQqkmuddg"
    "us/k0jaGEaLxbkQDeRomuY2KcINsHuiVOgXr2xmOEDzp1y7SDcdOrf254wqDTLoCL0caGP"
    "C328zkSGFsZ7g70jtC2U/JFIumCY5DGZXl5hx9YKKbs7HaCgjXIwfzkwnRRlG0LP6142mX"
    "JEN9KEM6ryExaFVO3jcy3Jc4TRSRidmszZhkFTmsXg6qwi3A4sjHlVGfNex+gUDS/oEeuF"
    "n1qUU6uTZ4qKxUHIIUERJJBbHbED4RH+RgkQ+y0d9yRzGSnGZuuf18fuwMnr3gnwsvWE1S"
    "7CqmbDGe/u0ZFJKFC1T5gTJkz4EtZnB7IjN/zaQsTwn/moPWOBsG+itatk5sv2JrysfqvO"
    "uMPl7W5Ylk97wGx0fqqrMqgsoOki+D8nw9nddHA3GAHKyr+cEze/Sxe5n3PSH/YGd13EPu"
    "bk/vMY6rOPOZlN6B36b06+9KaSTxlez8nNeDaaTn7tIu+ClnweD25oE+6n9xaSXxr9BnX7"
    "Nz9fj3+B2u7VnIAS3UXwPzllvg4ajMoQlzqvMyBo4Zis5UhJxjCOpeKnh/Eoh8U8C4WqKT"
    "b6Lzv/trZh+Y+lQxRgI1o4mk7XW+sUHvvPkkO1CuMUcChml0rlzkumyevEDU7QQDJ3nsHe"
    "UCovlRShEE7lwnmWdYezhmVnlAwIWjEb5Rlq68gjybhXahCEFM3o/fC81vR+el/zo9QLqh"
    "1RktYccVeZ/c9LDVDO+hcnEnFpO41/Zpgu4TtNVPslYWgYt4uaq+L9rKnGKl8MO6xVEWkV"
    "NFdFes1Oe1U273MPoTE2mEh4LWt6zmkztE/aDntPOHcmelJN8D1WQ5iLDmkuKnsqTYtPpK"
    "lFOXVHRwkGBwR1cfj1MGfnV0VMcrRWjlM3DTtzj3sow+IISQs95/WYWMSxM/WeshGugftY"
    "l0PqA9qX7/uj28HoU1kT82z0pT8ZfBz0b7sovJ4Tr7ku8i7mpHd/Pxl/gXr+1ZxM+j/1b6"
    "ZQ5l81w8xrOYu1Zu+Hf03SthAH2WIErH9cbHm5xylFwGKTYZEm/jdW7P1O5eHRtmHjcWhr"
    "akTdLLEPiVO1ge8H2FU/Y1NbaoprSdgvgCaniUqE0OpgGnGw5oGxwSpe2EZJGGuMRmBYU9"
    "4Bf3+z2Jbla4JO8FYcESCw7EfF2R0JFCrwZYnDF3gzbQWMbX+MQGqBiXGYvgUaze7ukiyG"
    "xb4C9t4GDbWUt5FNUQG+igiMqiIwQv5me7UjEUUMyF/hoQ5hPEVLZuRYNwX7wfeereLYC+"
    "PbEFuW5xU5LiUsk011IiXiPOMl9E0yNSejL6sqrSN1C6SXAcGjFxPs85B8l8XGWPQd6G+n"
    "Q0h24XKyxcrdOBmIsLGxrlvIWHaQhYnthtHwks1U3PruYJwo2oLgb7Yk00evN/DJA2NAiU"
    "lXy43mhRr7hUAEz80qi+T0CDAf3qQlQB6HBnl4XZ6r2GSbkuJUrcuAU4sZKTZWijI6RtRC"
    "V3ktFuroZFOU0VGaFvK5ejO0wH3UjfuAUwDpMpxmcHaIQISkGTECrYqQOUIgzv/N+jMPB1"
    "MCh+NSdZH7OScP/dG0i+D/nHzsDe7gnvuZ3Le+DsLG26hyRJOdvSVCIoI3kgbv5PY/xdd8"
    "9AqHvIXApTZhWCyWnqs8PC0kExilJsuX5VPEpskzU2ejk+JUbYALHBqXJDKfZq9Z7cV9Lg"
    "3zEduSQbeBksXV+K8NQ8cy4YueR57oAAtKX5fMg5LDjr/r8fguJt/rQXKAscwgb8+YYGkl"
    "zXVuNAEB0bBprvpg3nT0YNnI3swWBCxid5QvP3jzVUJ+m8X54hG/mf2vtKe0Tq9Wz1E1u/"
    "+MCTfsN3K3k+fPkqGehIOKO51ZX1cGUjUVvaxkG7LGvaw0ZYWMBaDTO/QbhpRyKlqaxhq+"
    "mfgUjWjzJnI5p/4dORvYi6jIgGMQFuwkhJRTq5anzKG3Wo7pnRC/waZlwPEL4PLoeI/YOL"
    "YF9yzsqAbZeq0DtWYiLysxpL4r7imL+6zAjeV65BIlhik9UcLsUvdbvCWXIe5ozS72vgrH"
    "2es4zgxFcUxzr619grR9Sc9bvLWPj9597MDxFprsBjnp3Q4Hoy5iH3NyM3uYjoeQps+/mp"
    "PeaDz6dTiePdBa/uWcPPz6MO0Pu8j9bIiNWCkN4o+SCK0grRW4/CmdxTBB1gaz0gGc2uH2"
    "ogSf+aCzRk0yjXFoJ7ZXhWMI42Tt6821cbrUXByjEZNxejIWh7McthMLG2PlIYE2H0idDX"
    "eJkAi4S77vqiDcJWWEfB0r2Fe8WBnG0wnHBObf6uTZv14ilQoAuTeyadMO8sZCmKgbgzK8"
    "w2DVzIDmHYsAF2CcYjBsOpIZ8HqLZGZ34uG3q2lUnKHQLLOPY5bSdbzqLdyAn7+7LIJ3hG"
    "o56cQuU6jH6MulGJ0NVUiQtWEHc2isgjsxlVl/Q4pmLL+tykgt67rE1oS0RHLRAzG6A8IG"
    "/Fn+eFEDWDExnDor65izdGbPPSnCVkz3h55+NiZ+1gzHkvaWQ3YLYjn4fnk4xOZl18p3dW"
    "U2IuCiTYaLgun4mWMGzV94AiKx6hRfdVTNgt+v7pE8kEMqJrryE91S1nT6PpKlee7aMhNc"
    "ilhMbE2e2AQeO1PMLQZt+LIrm20uRSfs9hlY1SJpZVSsa5D5k3fqVZlkKZ4F+NZtbnuEQ6"
    "2ufClx7xSHzUOZbKcG/C8IEd43k9qr2oBzMMHsZ0kJl4L/I03oenS4+7c9L4LLR8NkIoBD"
    "cbsxX14gHe+WR+XdtVem4TyuojeCI3J4udtouZRi9p9FnCXBeMh2mkSHzE7niaRGa+/0oo"
    "yJ59pABkGaDXDaLWB8DVrutdhBVAWk419FTA1E3gMAzusdG42cTdqVUmnLFaTBiQvYR+fG"
    "S8W5Ra/novnLhunf9u8GX/oTKAouRcC+CNg/2anciID9Bmk0xQO63bmKylHl2C0yRxKPVC"
    "g26TElYuZFzHzDZrAW22iCLftepyXFaYUNtslLV17KycxFKzfjpDil4CRleCjI1ziR4Ovu"
    "YPwItjTO49Lx9xEo65GxuGjUfbx37T6sIJKAuRreFk+pfawsjk+MTTrKPCGCbLNkoRTdfl"
    "cqlaM7NB3KDHGtWSwtdjdMpq2pDIC9MNQtmBch28AWeZowGBndAu/hebbJ6h4gIN/NsieK"
    "FNkHCagKspXsY7UNiJsMvTyZ9D8NHqaT3nQwHkkPs+vhYOqdV8wrhxONI+Xh0cjc4kTt8I"
    "BkbnGidvToZE5xovZt/66fruyVzsnD5/G9NHvoT6SbSb/HKqaKorV6N9PBl2S9oDBas//L"
    "zd3sNl7RL4vWo8+49XnLKwVT+fV0HHnB+Pfg/uz+Nnbf++7ff5CG/cmn8L7/fR8j+8V5gQ"
    "F1cZ45oOCWiFCsVcGCNbyMKdCv3+Q5SVgBj08ULbMCCjBRI8FEubpdj7JeWZ3wUtS5d3J1"
    "OTmss0uFy2aDUJOapSbR4WOVzFATIWnFGnmAU4RgUJXgsFe9hdw9e/euCCrl3btsWArc4x"
    "y5wtNCdxy5wtU9DxAE+zr7vXZkm/jz/wHlkW9q"
)

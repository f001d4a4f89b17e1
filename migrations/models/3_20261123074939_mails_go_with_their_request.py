from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# A mail about a registration request goes when the request goes (rule 6).
# SQLite adds a foreign key only with its column; PostgreSQL names the constraint.
UPGRADE = {
    "sqlite": """
        ALTER TABLE "outbox_message" ADD "registration_request_id" INT
            REFERENCES "registration_request" ("id") ON DELETE CASCADE;
        CREATE INDEX "idx_outbox_mess_registr_2ea47f" ON "outbox_message" ("registration_request_id");""",
    "postgres": """
        ALTER TABLE "outbox_message" ADD "registration_request_id" INT;
        ALTER TABLE "outbox_message" ADD CONSTRAINT "fk_outbox_m_registra_2b85a11d" FOREIGN KEY
            ("registration_request_id") REFERENCES "registration_request" ("id") ON DELETE CASCADE;
        CREATE INDEX "idx_outbox_mess_registr_2ea47f" ON "outbox_message" ("registration_request_id");""",
}
DOWNGRADE = {
    # SQLite cannot drop a column that holds a foreign key; the index is all it can undo.
    "sqlite": 'DROP INDEX IF EXISTS "idx_outbox_mess_registr_2ea47f";',
    "postgres": """
        DROP INDEX IF EXISTS "idx_outbox_mess_registr_2ea47f";
        ALTER TABLE "outbox_message" DROP CONSTRAINT "fk_outbox_m_registra_2b85a11d";
        ALTER TABLE "outbox_message" DROP COLUMN "registration_request_id";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXWtv2zYX/iuEv6wDvKBJk6zIOwxwE3fLFttd7Ky7pBBoiY61SJQnUUmMrf/9JXW/UL"
    "LoWrKsEShqh+Khpefwcu76p2daGjKco1v0oDvEhkS38HsdGVrvAvzTw9BE9Etxpz7owdUq"
    "7sIaCJwbHpWd6K4sov5z1qYS2mMBDQfRJg05qq2vWD9GN8AAvdA+4G8XOawR0H8QOEtr9Z"
    "UDkqOChWWb/wPoCdlr4P0C0FmPv13dRtoR+znNUmlvHT/sfGQX63QYhVgPiCyRTcf/888e"
    "G4pdfETr3qdP9IuONfSCHHaV/bl6DJBIwqt7wHjtClmvvLZrTCKItbmiWoZr4rjzak2WFN"
    "Wwt44Ja31AGNH7R2x4YrsMW+waRsCQEG7/xuMu/i0maDS0gK7BOMSo/RuI23qKMp7MlOlw"
    "pii9HPdCigTsQZNqYYYuvVXHe/oHdgvfnByffnv69s356VvaxbvNqOXbz/5Px8D4hB4841"
    "nvs3cdEuj38DCOQWUcyKF6uYQ2H9agewZXesNZXEMUy4ANG2Jk46neBLQmfFEMhB/Ikv55"
    "flqC46+D28sfB7evzk+/Zj9o0ZXpL95xcOXEu8SgjqGlz40MEXAjgg7Ce/L6dQV8aa9CgL"
    "1raYRXlqN7t1V9X0iSbN4ddgXz61bvDjGgqo3YkyuQ5CG9oleIbiI+rmnKDLJaQHoUfjnE"
    "6UwfUJtgYx0cACW4zq5Hw+lsMPrAfs50nL8ND7/BbMiunHit60zrq/PMxI8GAR+vZz8C9i"
    "f4YzIeevBaDnmwvV+M+83+6LF7gi6xFGw9K1BLnFVha4haiuvsNFaETtcERXOLqOWnLJNb"
    "Fo/cQzYUd9LovrdspD/gn9HaA/ma3hHEKuKAGgiW02CYAwP3czh7wtZ4WtrwORL0kpOKPj"
    "t9YkT8A3MwvRxcDXsewnOoPj5DW1NSULMr1omVaYn65i+ZJ2a2BWL44IHDnoLdcxJ1jpgf"
    "cqNYsg/ZvlGWL4aSIz1LcXmP4vISYs1AIkJdTLEbqW6/8NYsMnufAuCG/aXAXE1gTtkaEG"
    "ZAcHaJd5ZlIIj5kBcNkWHBnI5RFw+ilvoOKx7m7yaTm5RE9+56lsH+bvRuePvq2GMJ7aT7"
    "B1hezqZnhm09QUNhpwZ/wg+xa+bkghQncoM0twp6o8H4bnDTE2NCQHUB/M97PLibTUaD2f"
    "XlBYi+Zq1RVdbK8XmFpXKclbDjlcIupRkUPJKysnUVKQad8QqBD06eVT9NJ2P+QikZIqse"
    "6SoB/wLWpTaGfbdwseqZ7OaubhAdO0fs974XZOEu1hGDLLWOQka8Gg1+y/Lo8mbyLqvysA"
    "HeZRhm6lg3XVOxbA3ZCjQtF/N0WKTqJjT4DCsaIsstf4yjYKwKHAtO6LacMyWsuRpeXo8G"
    "N6+OT/snmU0s5NFp7lBRl0h9tFw60+HaRJjQuW7qouAXDyLh3wC/a9sIq0Jm3CRNg6fG8O"
    "62rv0mfSC8qXAevCk8Dt7kLbn4waXaodD+nyLa644fKKxMHXWOwmMpur3OHAHYIvpCVwPJ"
    "1IS6kPGdT73V4mjZhpPRK86qaG20V7FecZbX2xh4a0V1HWKZ9PCkkNnoL6TyjfOl+sWmoR"
    "rUM0LN+mDVDAqhjRa2RY9T1xZaDXnK7q2Es0oa9lmJhn3G07BN9nA2s1/CtbK0XJtzahTa"
    "4YrIm7Oyn5zWBf6OfVURVA4TF8U9Vjz6HfitWjblD8RNFWJS6qeS3snixdVd76S70rbkep"
    "pScr0tXOcsdu/ucx7UYodfgUk76JCXOINB3v98S8/VAlGyLHzvwCZGkcs1vbAcxJNNRLBi"
    "PtA7OkxXIUpNLhbWiByyw+l164/YJfTq9MRfUnUEquQDnbbe3eZc8ukO/TLfvOp3VVZx38"
    "0Rt8DvDawFgEBDc6ok9cHz0gImXIM5Ag/6E8JenCzwFhcntHarIWQUQLuiABa67RBF1Fmd"
    "puqgy/q4kkJ9XKJQH+cVagNuAXWKSCJdDWlhk2ndVtL9RbbUYiRdUYyEZnFE0D3bWx3R9r"
    "4/Q2ybiGk6uEu8rYDx20KI3+YcjdL80jFFXJpf/otcLzK/pOOfmGYilhSQoqnLYXFoakRJ"
    "VoCPVx5g4byAq2igw8K3amJAamKJpgZk0lyk0atxs00wPTn2mnjiFhtq4lVSxUAThg0A1T"
    "JXEK95FhhuH2liaZeJBbvmHHE2x5IAnoiic4kWb06qxLOdFAe0nbQ90WKPqn4deRbsUxFM"
    "rU/SdA/m80own5fAfC4tVtJi1SWL1RMkivgxl6bq3Dze/VFHlV6qF3Nk/hl6KRDSEiRdmM"
    "hldonhb7OUSSIXiB2ZJW4m4x/C7tno7My2sX3SlEyWkslSh7J2ZLLUAcIvfRgds2ZLH8Z/"
    "kes7DSENYsG+0CycCz47sJlwWAGR7TynmjWsDzQqhXmeCI5tPb7YLzOvQ9bN84pUM7FPCV"
    "wsWPQiWSIvTNEBr2zLQGBwNboef523t1chkMb3dhnfG7artQzcBtJlm7S+t2ynbKIsKHSc"
    "Z6qYKkvoLIXMl1nCDgaFnZydVZrQZyUT+iyLuO4o9NTQnzizujTZO0UnM7urZ3ZLPbZ4uh"
    "+mRlNFj/XC2g3rgUps4ozPEctk5/Yorz6vt9JeHeQ4FKcvDWryRzlYnperrcwOqtFNT2qs"
    "+9VYo9C5gnq6m/XVKIivmroaR3t95QBv8wPEAhb2VdE+gIRAdYm0sDUwBYVZer6menk3nU"
    "1Gw1uOdlvD+KUvzGBPHgWKUKjjK8HIuddpxD2o9vtJ6tFN6tEht0R0kCRNB9WP47NKmWtn"
    "JZlrZzmFL7UqtsC67rCrruG9ZwW7ZSdpA/q1TG6rO7nNhGtljhT0ohquJlwUm0MtrRnVrR"
    "lbor4nuKOWw8bb8V140OGVaCyOjePRdmEXbzpILpy8iqMHyV0ixpw8tbTmtM2aw+W2iwnP"
    "tVaR2xG15HabuW26DlHUJRXAkBKKvKISRcEQ8pyTXhLpJSldfZ5HcUu+Z2nlPtvmfTYyJ/"
    "gb5TYMLxhC8r3NfJd+0P8Or8NCjUIOijSRrEXCeTWAfOerfOdr897lvug7XzlbwQ5QrSFW"
    "v42Fc9Lb4PaVcyyMFHYSKsR6RF8aaTLBaEbHmrGhOjSz07urjMmRqSSHFJiTWpSc4Jzsoi"
    "0O0EnvFV7fzVE6GOj4SSce44Blg1Ar+4YKkogAQ8ePF8ChqBmIlcXuA/Sy0hmKfeC9qUgD"
    "zKGMNE6Azk6Hlokq7QqwWbk21Te2foNugrzNHnIKxK/Xs8HsejK+APH3e/xhMJ1+nNxeKb"
    "dDSnoB0n9n10KlcJGdv0nX2waEA0XSVJ3LKtp9MRlp6i6Gvrumbu+sQs4WXE9TdpDrB8Ll"
    "SjYwKpdsVbzAkfbsg+BvFNS+hUUuQSbtnJWsclH6wA5Mc7urA9xG+1F2golakGpNJQmMI7"
    "xMkthuUpJIkuhUIY3EoVMDad/oGMxt65lCwnRJ1dARJkeACRdefQNPbP3K8VRGoDuBBslL"
    "G/ni8aQq2i5VVOo5Us+Reo7Uc/ZzlLedydVc/d7xpxQWbC3eRvOUXQhJr3sv9Ws/CUkDSZ"
    "Kt1I2W1R6uI6piT4pc95At0eO8ebgDHS5VJe2gAK6qwyVX7OYQiz3px4cJbZvV46QrfICd"
    "Z37NBU6vfpnSnPLZw5igiofX784KIUAM0AslAN6z9MGzTpYAAtVarcNCgXRiIANAB+gEPN"
    "MP6DwWeHd3NKxUp9ulTgtm8nc3gb+ON6XSRSACbkTQQXhrKUD4BA2XE5RQnFQbEXQC4aZT"
    "aakeqoeBYRW34SRJc9HMr1u9GSdD87zYOTElJk0kfVEbdRg7jlD8Qkl7u7jHlqFdVepOz7"
    "O2ytwhGzYI3QluVZS6E7Nmo9hdjP1mcTeuG0ZnH3G9O2IVxJI1x6K/Uz2koNykoNy2Nzl2"
    "TZbbdy30PR+B9RdDD97CK2Tuj0m6Z+evZRbLAmJ1FxCLz8BtItFj6uaQ7n0Yjq+uxz/0xO"
    "AOyS5A8OUeDz58uJ38Ory6AOG3e3w7/Gl4OWNt4bes9W4/8eiOOzd1sl0IQZZWBhG0xb9c"
    "JYggLAItzvc0pYylbXMQgY3+QirZrrYdj7YLAkbTBjkNzYkl6ANP0UgHeM4mF+5B87Uorh"
    "k6ia0shiEDYQ4KWVlmpMkyI/GOuQNgux9glDtgUgjTuwDju5ubLMTssN8BvFfRQB3FNiEU"
    "VcBVhm/tKnwrxrdKgRw/CGmH1UviYKyO7Mipacos5F9aRcglc+tlhBwnsFAepEbWcJGXFG"
    "a8Ki9ZUEvKvHhdFTPRt0IWHWM8eLaZDY3VZfHfCUzvgT47XULQ071ZeB5r9wtyskg9ggzD"
    "AdaiDxyECaBTA9m8nLodj17JRxrZbTF6IQqkP22u2Kd0gzbrBg0mIlfdKHZxpKk6l35Xy7"
    "tobCrvrVi6jQjQKaIOOpNq8YyyvYRtRyJAJ2k6iHMd0bDSM1qvZ5RVoaSHYx7gn6aTcZGD"
    "PyLJelt0lYB/gaHvKsSN4xf9buFiX1iYu7pBdOwcsZ/9XtBRugvzPIOo3DyftcT30y4VNk"
    "DWPH+Arupf7oZ3gQdZwFPtU10A//MeT4fj2QVg/9/j94PrG3bN/2yHbzoQHzmsKU7ITJDI"
    "QOasGTorlOdwLff7csg76PLvkvfX8dLAxQM7YjLp3W8zf72XNyDb5hmPi/36aSrp0Rf36M"
    "uyK8VnVncjpniJB6JJQYUjSN/u5gQhft7HXrKF2oV89WShwvnXpsyhgavpZPiEMDdhKHG1"
    "X2aTh6yfgqKOGw3yH5cW0HQNPC8hYRn0z0tdXQJrzqLg+vQvxNLrNbCwLZP9ZaMjMKbD28"
    "BdsQ1b6wPs/enjyMnPr+MHZKZ+uyzvlqq6tr2VbJAh7V51rg7LBnRjsWzlkeK6rSEpPUKb"
    "7ai9wdXoenwBvI97fHk3nU1Gw9sLEH67x4PxZPz7aHI3pb3Cr/d4+vt0NhxdAP+zJUYmVT"
    "g2N0lSk9h20NGOPj7CdTUyZF3QSxvwivl+fEGc+bEkHUjJ3L1DzJfOfIwEQM6QdW8y14a0"
    "0FacopF7Meed37KIaKOTWEOEH81X7N1NkEjv7k68uzkj0p7MGMim+n2PZ8Lwr/RLzRdxnz"
    "oLm0jrQJPWgSdkO4LiWoKkzUphm2Ly2KISEYj97h1E97hS8YzjkuIZx/niGV40Ei/ecUMA"
    "EzfasYEjbj9+x24cZp//D34SBqs="
)

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The same SQL serves both engines. Foreign keys get the indexes that loaders and cascading
# deletes look them up by; requests and shop users get the (…, id) that keyset pages walk.
# Every index is IF NOT EXISTS: on SQLite a script runs outside aerich's transaction, and a
# run cut short must be able to run again.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_registratio_shop_id_0d2f45";
        CREATE INDEX IF NOT EXISTS "idx_contact_per_debtor__55c522" ON "contact_person" ("debtor_id");
        CREATE INDEX IF NOT EXISTS "idx_shop_user_shop_id_fc0a62" ON "shop_user" ("shop_id", "id");
        CREATE INDEX IF NOT EXISTS "idx_shop_user_contact_45ef4d" ON "shop_user" ("contact_id");
        CREATE INDEX IF NOT EXISTS "idx_one_time_to_shop_us_f3597f" ON "one_time_token" ("shop_user_id");
        CREATE INDEX IF NOT EXISTS "idx_session_shop_us_f8e558" ON "session" ("shop_user_id");
        CREATE INDEX IF NOT EXISTS "idx_session_admin_i_e694cd" ON "session" ("admin_id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_request_a3aa24" ON "registration_answer" ("request_id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_status_03d89b" ON "registration_request" ("status", "id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_shop_id_3a6044" ON "registration_request" ("shop_id", "status", "id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_shop_id_f0995b" ON "registration_request" ("shop_id", "id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_debtor__54a75b" ON "registration_request" ("debtor_id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_shop_us_e8e55b" ON "registration_request" ("shop_user_id");
        CREATE INDEX IF NOT EXISTS "idx_registratio_decided_c17d9e" ON "registration_request" ("decided_by_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_registratio_decided_c17d9e";
        DROP INDEX IF EXISTS "idx_registratio_shop_us_e8e55b";
        DROP INDEX IF EXISTS "idx_registratio_debtor__54a75b";
        DROP INDEX IF EXISTS "idx_registratio_shop_id_f0995b";
        DROP INDEX IF EXISTS "idx_registratio_shop_id_3a6044";
        DROP INDEX IF EXISTS "idx_registratio_status_03d89b";
        DROP INDEX IF EXISTS "idx_registratio_request_a3aa24";
        DROP INDEX IF EXISTS "idx_session_admin_i_e694cd";
        DROP INDEX IF EXISTS "idx_session_shop_us_f8e558";
        DROP INDEX IF EXISTS "idx_one_time_to_shop_us_f3597f";
        DROP INDEX IF EXISTS "idx_shop_user_contact_45ef4d";
        DROP INDEX IF EXISTS "idx_shop_user_shop_id_fc0a62";
        DROP INDEX IF EXISTS "idx_contact_per_debtor__55c522";
        CREATE INDEX IF NOT EXISTS "idx_registratio_shop_id_0d2f45" ON "registration_request" ("shop_id", "status");"""


MODELS_STATE = (
    "eJztXWtv2zYX/iuEv6wDvKBJk6zIOwxwE3fLFttd7Ky7pBBoiY61SJSnSxJj639/SeouUb"
    "LoWrKsEShqh+Khpefwcu76p2daGjKco1v0oDuuDV3dwu91ZGi9C/BPD0MTkS/FnfqgB1er"
    "uAttcOHcYFR2oruyiPrPaZvqkh4LaDiINGnIUW19RftRugEG6IX0AX97yKGNgPyDwFlaq6"
    "8ckBwVLCzb/B9AT8heA/YLQKc9/vZ0G2lH9Oc0SyW9dfyw85E9rJNhFNd6QO4S2WT8P//s"
    "0aHoxUe07n36RL7oWEMvyKFX6Z+rxwCJJLw6A4a1K+56xdqusRtBrM0V1TI8E8edV2t3SV"
    "ANe+vYpa0PCCNy/4gO79oexRZ7hhEwJITbv/G4i3+LCRoNLaBnUA5Rav8G4raeoownM2U6"
    "nClKL8e9kCIBe9CkWpiiS27VYU//QG/hm5Pj029P3745P31LurDbjFq+/ez/dAyMT8jgGc"
    "96n9l16EK/B8M4BpVyIIfq5RLafFiD7hlcyQ1ncQ1RLAM2bIiRjad6E9Ca8EUxEH5wl+TP"
    "89MSHH8d3F7+OLh9dX76Nf1Bi6xMf/GOgysn7BKFOoaWPDcyRMCNCDoI78nr1xXwJb0KAW"
    "bX0givLEdnt1V9X0iSbN4ddgXz61bvDjGgqo3okyvQzUN6Ra64uon4uKYpM8hqAelR+OUQ"
    "pzN5QG2CjXVwAJTgOrseDaezwegD/TnTcf42GH6D2ZBeOWGt60zrq/PMxI8GAR+vZz8C+i"
    "f4YzIeMngtx32w2S/G/WZ/9Og9Qc+1FGw9K1BLnFVha4haiuv0NFaETtcERXOLqOWnLJVb"
    "Fo/cQzYUd9LovrdspD/gn9GagXxN7ghiFXFADQTLaTDMgYH7OZw9YWs8LW34HAl6yUlFnp"
    "08MXL9A3MwvRxcDXsM4TlUH5+hrSkpqOkV68TKtER985fMEzPbAjF8YODQp6D3nESdI+aH"
    "3CiW7EO2b5Tli6HkSM9SXN6juLyEWDOQiFAXU+xGqtsvvDWLzOxTANywvxSYqwnMKVsDwh"
    "QIzi7xzrIMBDEf8qIhMiyYkzHq4kHUUt9hxcP83WRyk5Lo3l3PMtjfjd4Nb18dM5aQTrp/"
    "gOXlbHJm2NYTNBR6avAn/BB7Zk4uSHEiN0hzq6A3GozvBjc9MSYEVBfA/7zHg7vZZDSYXV"
    "9egOhr1hpVZa0cn1dYKsdZCTteKfRSmkHBIykrW1eRYpAZr7jwwcmz6qfpZMxfKCVDZNUj"
    "XXXBv4B2qY1h3y08rDKT3dzTDVfHzhH9ve8FWbiLdUQhS62jkBGvRoPfsjy6vJm8y6o8dI"
    "B3GYaZOtZNz1QsW0O2Ak3LwzwdFqm6CQ0+w4qGyHLLH+MoGKsCx4ITui3nTAlrroaX16PB"
    "zavj0/5JZhMLeXSaO1TUJVIfLY/MdLg2EXbJXDd1UfCLB5Hwb4Dfs22EVSEzbpKmwVNjeH"
    "db136TPhDeVDgP3hQeB2/yllz84BHtUGj/TxHtdccPFFaqjjpH4bEU3V5njgBsufpCVwPJ"
    "1IS6kPGdT73V4mjZhpPRK86qaG2kV7FecZbX2yh4a0X1HNcyyeFJILPRX0jlG+dL9YtNQz"
    "WoZ4Sa9cGqGQRCGy1sixynni20GvKU3VsJZ5U07LMSDfuMp2Gb9OFsar+Ea2VpeTbn1Ci0"
    "wxWRN2dlPzmtC/wd+6oiqBwqLop7rHj0O/BbtWzKH4ibKsSk1E8lvZPFi6u73klvpW3J9T"
    "Sl5HpbuM5Z7Ozucx7UYodfgUk76JCXOINB3v98S87VAlGyLHzvwCZGkcs1vbAcxJNNRLCi"
    "PtA7MkxXIUpNLhrWiBx3h9Pr1h+xS+jV6Ym/JOoIVN0PZNqyu8255NMd+mW+edXvqqzivp"
    "sjboHfG1gLAIGG5kRJ6oPnpQVMuAZzBB70J4RZnCxgi4sTWrvVEDIKoF1RAAvddlxF1Fmd"
    "puqgy/q4kkJ9XKJQH+cVagNuAXWKSCJdDWlhk2ndVtL9RbbUYiRdEYyEZnFE0D3bWx3R9r"
    "4/Q2ybiGk6uEu8rYDx20KI3+YcjdL80jFFXJpf/otcLzK/pOOfqGYilhSQoqnLYXFoakRJ"
    "VoCPVx5g4byAq2igw8K3amJAamKJpgZk0lyk0atxs00wPTn2mnjiFhtq4lVSxUAThg0A1T"
    "JXEK95FhhuH2liaZeJBXvmHHE2x5IAnoiic4kWb06qxLOdFAe0nbQ90WKPqn4deRb0UxFM"
    "rU/SdA/m80own5fAfC4tVtJi1SWL1RN0FfFjLk3VuXm8+6OOKL1EL+bI/DP0UiCkJUi6MJ"
    "HL7BLD32Ypk0QuEDsyS9xMxj+E3bPR2ZltY/ukKZksJZOlDmXtyGSpA4Rf+jA6Zs2WPoz/"
    "Itd3GkIaxIJ9oVk4F3x2YDPhsAIi23lONWtYH2hECmOeCI5tPb7YLzOvQ9qNeUWqmdinLl"
    "wsaPSiu0QsTNEBr2zLQGBwNboef523t1chkMb3dhnfG7artQzcBtJlm7S+t2ynbKIsKHSc"
    "Z6KYKkvoLIXMl1nCDgaFnZydVZrQZyUT+iyLuO4o5NTQnzizujTZO0UnM7urZ3ZLPbZ4uh"
    "+mRlNFj2Vh7Yb1QCQ2ccbniGWyc3uUV5/XW2mvDnIcgtOXBjX5oxwsz8vVVmoH1cimJzXW"
    "/WqsUehcQT3dzfpqFMRXTV2No72+cgDb/IBrAQv7qmgfQNeF6hJpYWtgCgqz9HxN9fJuOp"
    "uMhrcc7baG8UtfmEGfPAoUIVDHV4KRc6/TiHsQ7feT1KOb1KNDbonoIEmaDqofx2eVMtfO"
    "SjLXznIKX2pVbIF13WFXXcN7zwp2y07SBvRrmdxWd3KbCdfKHCnoRTU8TbgoNodaWjOqWz"
    "O2RH1PcEcth42347vwoMMr0VgcG8ej7cIu3nSQXDh5FUcPkrtEjDl5amnNaZs1h8ttD7s8"
    "11pFbkfUkttt5rbpOa6iLokAhpRQ5BWVKAqGkOec9JJIL0np6mMexS35nqWV+2yb99nInO"
    "BvlNswvGAIyfc28136Qf87vA4LNQo5KNJEshYJ59UA8p2v8p2vzXuX+6LvfOVsBTtAtYZY"
    "/TYWzklvg9tXzrEwUuhJqLjWI/rSSJMJRjMy1owO1aGZnd5dZUyOTCU5pMCc1KLkBOdkF2"
    "1xgE56r2B9N0fpYKDjJ91ljAOWDUKt7BsiSCIXGDp+vAAOQc1AtCx2H6CXlU5R7AP2piIN"
    "UIcy0jgBOjsdWiaqtCvAZuXZRN/Y+g26CfI2e8gJEL9ezwaz68n4AsTf7/GHwXT6cXJ7pd"
    "wOCekFSP+dXQuVwkV2/iZdtg0IB4qkqTqXVbT7YjLS1F0MfXdN3eysQs4WXE9TdpDrB8Ll"
    "SjYwIpdsVbzAkfbsg+BvFNS+hUUuQSbtnJWsclH6wA5Mc7urA9xG+1F2golakGpNJQmMI7"
    "xMkthuUpJIkuhUIY3EIVMDad/oGMxt65lAQnVJ1dARdo8AFS5YfQMmtn7lMJUR6E6gQfLS"
    "Rr54PKmKtksVlXqO1HOkniP1nP0c5W1ncjVXPzv+lMKCrcXbaJ6yCyHpde+lfu0nIWkgSb"
    "KVutGy2sN1RFXsSZHrHrIlehybhzvQ4VJV0g4K4Ko6XHLFbg6x2JN+fJjQtlk9TrrCB9h5"
    "5tdc4PTqlynNKZ89jAmqeHj97rQQAsQAvRACwJ6lD551dwkgUK3VOiwUSCYGMgB0gO6CZ/"
    "IBnccC7+6OhpXqdLvUacFM/u4m8NfxplSyCETAjQg6CG8tBQifoOFxghKKk2ojgk4g3HQq"
    "LdFD9TAwrOI2nCRpLpr5das342RoHoudE1Ni0kTSF7VRh7HjCMUvlLS3i3tsGdpVpe70PG"
    "urzB2yYYPQneBWRak7MWs2it3F2G8Wd+O6YWT2uR67I1pBLFlzLPo71UMKyk0Kym17k2PX"
    "ZLl910Lf8xFYfzH04C28Qub+mKR7dv5aZrEsIFZ3AbH4DNwmEj2mbg7p3ofh+Op6/ENPDO"
    "6Q7AIEX+7x4MOH28mvw6sLEH67x7fDn4aXM9oWfsta7/YTj+54c1N3twshyNLKIIK2+Jer"
    "BBGERaDF+Z6mlLG0bQ4isNFfSHW3q23Ho+2CgNG0QU5Dc9cS9IGnaKQDPGeTC/eg+VoU1w"
    "ydxFYWw5CBMAeFrCwz0mSZkXjH3AGw3Q8wyh0wKYTJXYDx3c1NFmJ62O8A3qtooI5imxCK"
    "KuAqw7d2Fb4V41ulQI4fhLTD6iVxMFZHduR6q5d47tx6GSHHgey0zZcvSXXol9YvYV0VM9"
    "G3QnoYtfmDZ5sah2jBEf9lt+QeyLOTuQGZUknjzmi7X2mShqC5yDAcYC36wEHYBWSCIJuX"
    "LLbj0Ss5/yKDJCbqsgLJT5sr+in9e83694KJyJWji233aarO5ZXV8pIVmwgyK5pHIgJ0iq"
    "iDXpJaXH50L6HbkQjQSZoO4lxHmKd0+dXr8qPlFcnhmAf4p+lkXOS5jkiybgRddcG/wNB3"
    "FbvFcfh9t/CwLyzMPd1wdewc0Z/9XtADuAu7M4Wo3O6cNTH3074COkDW7nyAPthf7oZ3gW"
    "tUwAXrU10A//MeT4fj2QWg/9/j94PrG3rN/2yH0zUQHzmsKc40TJDICN2sfTUrlOdwLXdo"
    "csg76MvuklvTYfnN4hELMZl0W7eZv+ytBMi2eVbRYod1mkq6qsVd1bKeSPGZ1a1QoJwTbT"
    "9JAgNP093hE8Lc3IDE1X6ZlRLSfgqKOm40UX5cWkDTNfC8hC5Nln1e6uoSWHMa8NInfyGa"
    "SauBhW2Z9C8bHYExGd4G3opOYa0PMPvTt5BzUnHr+AGZlNsuW6Slqp5tb7VbZki7V4inY7"
    "tl5oVqlq08Ely3Va3TI7TZstQbXI2uxxeAfdzjy7vpbDIa3l6A8Ns9Hown499Hk7sp6RV+"
    "JSr479PZcESUcPbZErVbFQ7DS5LUFH1z0IFNPj7CKfQZsi5I6g34CXzPpiDOfB97B7Kvdu"
    "8i8KUzHyMBkDNk3ZvMtSEttBWnaORezHm9r6wX2Ogk1pALdYMDdLG/K0Ei/V078Xe1xYyB"
    "bKLf93gmDP9Kv9R8Efeps4aBtA40aR14QrYjKK4lSNqsFLYpSokuKhGB2O/eQXSPK+XJH5"
    "fkyR/n8+RZfAYvAmxDSAc3/quBI24/nphuHGaf/w/3gqnc"
)

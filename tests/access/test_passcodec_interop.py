"""The codec reads what other COSE/CWT implementations write, and they read what it writes.

Four independent witnesses, none of them our own encoder:

1. pycose (a second COSE implementation, used only in tests), in both directions.
2. COSE_Sign1 messages built here byte by byte from RFC 9052 §4.2/§4.4 with nothing but
   ``cryptography``: the EdDSA one must equal our encoder's output exactly (Ed25519 is
   deterministic), and both must decode.
3. Published vectors: RFC 9052 Appendix C.2.1 (ES256, its To-Be-Signed bytes too) and
   RFC 8392 Appendix A.3 (a signed CWT, kid in the unprotected header).
4. EU Digital COVID Certificates from the official test data
   (github.com/eu-digital-green-certificates/dgc-testdata): ``HC1:`` + Base45 + zlib +
   COSE_Sign1 + CWT, produced by member states' encoders, checked with prefix="HC1:". The
   DCC kid is the first 8 bytes of SHA-256 of the signer's certificate (DER).
"""

import base64
import datetime as dt
import hashlib
import zlib

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pycose.algorithms import EdDSA, Es256
from pycose.headers import KID, Algorithm
from pycose.keys import EC2Key, OKPKey
from pycose.keys.curves import P256, Ed25519
from pycose.messages import Sign1Message

from fangxian.access import passcodec as pc
from fangxian.access.base45 import b45decode, b45encode

UTC = dt.timezone.utc
NOW = dt.datetime(2022, 4, 1, 0, 0, tzinfo=UTC)
ES_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()
ES_KID, ED_KID = pc.key_id(ES_KEY), pc.key_id(ED_KEY)
KEYS = {ES_KID: ES_KEY.public_key(), ED_KID: ED_KEY.public_key()}


def the_claims():
    return pc.pass_claims(cti=pc.new_cti(), iat=NOW - dt.timedelta(days=1), exp=NOW + dt.timedelta(days=30),
                          estate=42, kind="visitor")


def pycose_key(alg):
    if alg == "ES256":
        numbers = ES_KEY.private_numbers()
        return EC2Key(crv=P256, d=numbers.private_value.to_bytes(32, "big"),
                      x=numbers.public_numbers.x.to_bytes(32, "big"),
                      y=numbers.public_numbers.y.to_bytes(32, "big"))
    raw = serialization.Encoding.Raw
    return OKPKey(crv=Ed25519,
                  d=ED_KEY.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
                  x=ED_KEY.public_key().public_bytes(raw, serialization.PublicFormat.Raw))


def pycose_decode(raw: bytes) -> Sign1Message:
    """pycose 1.1's own ``decode`` expects cbor2 5's mutable lists; cbor2 6 hands tagged
    arrays over as tuples. Feed pycose's parser the message as a list (tag checked here)."""
    obj = cbor2.loads(raw)
    if isinstance(obj, cbor2.CBORTag):
        assert obj.tag == 18
        obj = obj.value
    return Sign1Message.from_cose_obj([obj[0], dict(obj[1]), obj[2], obj[3]], True)


# --- 1. pycose --------------------------------------------------------------------------

@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
@pytest.mark.parametrize("tagged", [True, False])
@pytest.mark.parametrize("kid_in", ["protected", "unprotected"])
@pytest.mark.parametrize("compress", [False, True])
def test_it_reads_what_pycose_writes(alg, tagged, kid_in, compress):
    claims = the_claims()
    kid = {"ES256": ES_KID, "EdDSA": ED_KID}[alg]
    alg_header = {"ES256": Es256, "EdDSA": EdDSA}[alg]
    phdr, uhdr = {Algorithm: alg_header}, {}
    (phdr if kid_in == "protected" else uhdr)[KID] = kid
    message = Sign1Message(phdr=phdr, uhdr=uhdr, payload=cbor2.dumps(claims))
    message.key = pycose_key(alg)
    raw = message.encode(tag=tagged)
    data = zlib.compress(raw) if compress else raw
    assert pc.decode("FX1:" + b45encode(data), prefix="FX1:", keys=KEYS, now=NOW) == claims


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
@pytest.mark.parametrize("kid_in", ["protected", "unprotected"])
def test_it_writes_what_pycose_verifies(alg, kid_in):
    claims = the_claims()
    key, kid = {"ES256": (ES_KEY, ES_KID), "EdDSA": (ED_KEY, ED_KID)}[alg]
    text = pc.encode(claims, prefix="FX1:", private_key=key, kid=kid, alg=alg, compress=False, kid_in=kid_in)
    message = pycose_decode(b45decode(text[4:]))
    private = pycose_key(alg)
    # Verify with the public half only.
    message.key = EC2Key(crv=P256, x=private.x, y=private.y) if alg == "ES256" else OKPKey(crv=Ed25519, x=private.x)
    assert message.verify_signature()
    assert message.get_attr(KID) == kid
    assert message.get_attr(Algorithm) is {"ES256": Es256, "EdDSA": EdDSA}[alg]
    assert cbor2.loads(message.payload) == claims


def test_pycose_refuses_what_we_tampered_with():
    """The witness is not trivially true: pycose rejects a payload changed after signing."""
    text = pc.encode(the_claims(), prefix="FX1:", private_key=ES_KEY, kid=ES_KID, compress=False)
    message = pycose_decode(b45decode(text[4:]))
    message.payload = message.payload[:-1] + b"\x00"
    message.key = pycose_key("ES256")
    assert not message.verify_signature()


# --- 2. Byte by byte from RFC 9052 ---------------------------------------------------------

def _bstr(data: bytes) -> bytes:
    """Major type 2 head (RFC 8949 §3.1) for the lengths a pass uses."""
    assert len(data) < 65536
    if len(data) < 24:
        return bytes([0x40 | len(data)]) + data
    if len(data) < 256:
        return bytes([0x58, len(data)]) + data
    return bytes([0x59]) + len(data).to_bytes(2, "big") + data


def _hand_built(alg: str, claims: dict) -> bytes:
    cti, iat, exp = claims[7], claims[6], claims[4]
    assert 0 <= iat < 2**32 and 0 <= exp < 2**32 and len(cti) == 16
    custom = claims[-70001]
    assert custom == {"estate": 42, "kind": "visitor"}
    payload = (
        b"\xa4"                                     # map(4)
        + b"\x07" + _bstr(cti)                      # 7 (cti): bstr(16)
        + b"\x06\x1a" + iat.to_bytes(4, "big")      # 6 (iat): uint32
        + b"\x04\x1a" + exp.to_bytes(4, "big")      # 4 (exp): uint32
        + b"\x3a" + (70001 - 1).to_bytes(4, "big")  # -70001: negative int, argument n = -1 - value
        + b"\xa2"                                   # map(2)
        + b"\x66estate" + b"\x18\x2a"               # "estate": 42 (uint8 follows)
        + b"\x64kind" + b"\x67visitor"              # "kind": "visitor"
    )
    kid = {"ES256": ES_KID, "EdDSA": ED_KID}[alg]
    alg_byte = {"ES256": b"\x26", "EdDSA": b"\x27"}[alg]    # -7 is 0x26, -8 is 0x27
    protected = b"\xa2" + b"\x01" + alg_byte + b"\x04" + _bstr(kid)  # {1: alg, 4: kid}
    to_be_signed = (b"\x84" + b"\x6aSignature1"                      # ["Signature1",
                    + _bstr(protected) + b"\x40" + _bstr(payload))  #  protected, h'', payload]
    if alg == "ES256":
        r, s = decode_dss_signature(ES_KEY.sign(to_be_signed, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = ED_KEY.sign(to_be_signed)
    return b"\xd2\x84" + _bstr(protected) + b"\xa0" + _bstr(payload) + _bstr(signature)


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_it_reads_a_cose_sign1_built_byte_by_byte_from_rfc_9052(alg):
    claims = the_claims()
    raw = _hand_built(alg, claims)
    assert pc.decode("FX1:" + b45encode(raw), prefix="FX1:", keys=KEYS, now=NOW) == claims


def test_it_writes_exactly_the_bytes_rfc_9052_prescribes():
    claims = the_claims()
    ours = pc.encode(claims, prefix="FX1:", private_key=ED_KEY, kid=ED_KID, alg="EdDSA", compress=False)
    assert b45decode(ours[4:]) == _hand_built("EdDSA", claims)


# --- 3. Published COSE and CWT vectors ----------------------------------------------------

# RFC 9052 Appendix C.2.1 and the P-256 key "11" of Appendix C.7.1.
RFC9052_C21 = bytes.fromhex(
    "d28443a10126a10442313154546869732069732074686520636f6e74656e742e5840"
    "8eb33e4ca31d1c465ab05aac34cc6b23d58fef5c083106c4d25a91aef0b0117e"
    "2af9a291aa32e14ab834dc56ed2a223444547e01f11d3b0916e5a4c345cacb36")
RFC9052_C21_TO_BE_SIGNED = bytes.fromhex(
    "846a5369676e61747572653143a101264054546869732069732074686520636f6e74656e742e")
RFC9052_KEY_11 = ec.EllipticCurvePublicNumbers(
    int("bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff", 16),
    int("20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e", 16),
    ec.SECP256R1()).public_key()


def test_it_verifies_rfc_9052_example_c_2_1():
    # Our Sig_structure is the RFC's ToBeSigned, byte for byte.
    assert pc._sig_structure(bytes.fromhex("a10126"), b"This is the content.") == RFC9052_C21_TO_BE_SIGNED
    text = "X:" + b45encode(RFC9052_C21)
    # The signature verifies (kid '11' in the unprotected header); the payload is plain text,
    # not CBOR, which is looked at only after verification: CborError, not SignatureError.
    with pytest.raises(pc.CborError, match="CWT payload"):
        pc.decode(text, prefix="X:", keys={b"11": RFC9052_KEY_11}, now=NOW)
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(pc.SignatureError):
        pc.decode(text, prefix="X:", keys={b"11": other}, now=NOW)


# RFC 8392 Appendix A.3 (signed CWT) and A.2.3 (its COSE_Key, private parts included).
RFC8392_A3 = bytes.fromhex(
    "d28443a10126a104524173796d6d657472696345434453413235365850a70175"
    "636f61703a2f2f61732e6578616d706c652e636f6d02656572696b7703781863"
    "6f61703a2f2f6c696768742e6578616d706c652e636f6d041a5612aeb0051a56"
    "10d9f0061a5610d9f007420b7158405427c1ff28d23fbad1f29c4c7c6a555e60"
    "1d6fa29f9179bc3d7438bacaca5acd08c8d4d4f96131680c429a01f85951ecee"
    "743a52b9b63632c57209120e1c9e30")
RFC8392_A23_COSE_KEY = bytes.fromhex(
    "a72358206c1382765aec5358f117733d281c1c7bdc39884d04a45a1e6c67c858"
    "bc206c1922582060f7f1a780d8a783bfb7a2dd6b2796e8128dbbcef9d3d168db"
    "9529971a36e7b9215820143329cce7868e416927599cf65a34f3ce2ffda55a7e"
    "ca69ed8919a394d42f0f2001010202524173796d6d6574726963454344534132"
    "35360326")


def test_it_verifies_rfc_8392_example_a_3_signed_cwt():
    cose_key = cbor2.loads(RFC8392_A23_COSE_KEY)
    assert cose_key[1] == 2 and cose_key[-1] == 1 and cose_key[3] == -7  # EC2, P-256, ES256
    public = ec.EllipticCurvePublicNumbers(int.from_bytes(cose_key[-2], "big"), int.from_bytes(cose_key[-3], "big"),
                                           ec.SECP256R1()).public_key()
    keys = {cose_key[2]: public}
    assert cose_key[2] == b"AsymmetricECDSA256"
    text = "CWT:" + b45encode(RFC8392_A3)
    at = dt.datetime.fromtimestamp(1444000000, UTC)
    assert pc.decode(text, prefix="CWT:", keys=keys, now=at) == {
        1: "coap://as.example.com", 2: "erikw", 3: "coap://light.example.com",
        4: 1444064944, 5: 1443944944, 6: 1443944944, 7: bytes.fromhex("0b71"),
    }
    with pytest.raises(pc.ExpiredError):
        pc.decode(text, prefix="CWT:", keys=keys, now=dt.datetime.fromtimestamp(1444064944, UTC))
    with pytest.raises(pc.NotYetValidError):  # nbf = iat = 1443944944
        pc.decode(text, prefix="CWT:", keys=keys, now=dt.datetime.fromtimestamp(1443944944 - 301, UTC))


# --- 4. EU Digital COVID Certificates (dgc-testdata) --------------------------------------

DCC = {
    # AT/2DCode/raw/1.json: a real Austrian vaccination certificate, kid in the protected header.
    "AT-1": dict(
        clock="2021-05-06T18:00:00+00:00",
        qr="HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9G4G50PHZF0AT4V22F/8X*G3M9JUPY0BX/KR96R/S09T./0L"
           "WTKD33236J3TA3M*4VV2 73-E3GG396B-43O058YIB73A*G3W19UEBY5:PI0EGSP4*2DN43U*0CEBQ/GXQFY73CIBC:G 737"
           "6BXBJBAJ UNFMJCRN0H3PQN*E33H3OA70M3FMJIJN523.K5QZ4A+2XEN QT QTHC31M3+E32R44$28A9H0D3ZCL4JMYAZ+S-"
           "A5$XKX6T2YC 35H/ITX8GL2-LH/CJTK96L6SR9MU9RFGJA6Q3QR$P2OIC0JVLA8J3ET3:H3A+2+33U SAAUOT3TPTO4UBZI"
           "C0JKQTL*QDKBO.AI9BVYTOCFOPS4IJCOT0$89NT2V457U8+9W2KQ-7LF9-DF07U$B97JJ1D7WKP/HLIJL8JF8JFHJP7NVDEB"
           "U1J*Z222E.GJ457661CFFTWM-8P2IUE7K*SSW613:9/:TT5IYQBTBU16R4I1A/9VRPJ-TS.7ZEM7MSVOCD4RG2L-TQJROXL2J"
           ":52J7F0Q10SMAP3CG3KHF0DWIH",
        cert="MIIBvTCCAWOgAwIBAgIKAXk8i88OleLsuTAKBggqhkjOPQQDAjA2MRYwFAYDVQQDDA1BVCBER0MgQ1NDQSAxMQswCQYDVQQG"
             "EwJBVDEPMA0GA1UECgwGQk1TR1BLMB4XDTIxMDUwNTEyNDEwNloXDTIzMDUwNTEyNDEwNlowPTERMA8GA1UEAwwIQVQgRFND"
             "IDExCzAJBgNVBAYTAkFUMQ8wDQYDVQQKDAZCTVNHUEsxCjAIBgNVBAUTATEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASt"
             "1Vz1rRuW1HqObUE9MDe7RzIk1gq4XW5GTyHuHTj5cFEn2Rge37+hINfCZZcozpwQKdyaporPUP1TE7UWl0F3o1IwUDAOBgNV"
             "HQ8BAf8EBAMCB4AwHQYDVR0OBBYEFO49y1ISb6cvXshLcp8UUp9VoGLQMB8GA1UdIwQYMBaAFP7JKEOflGEvef2iMdtopset"
             "wGGeMAoGCCqGSM49BAMCA0gAMEUCIQDG2opotWG8tJXN84ZZqT6wUBz9KF8D+z9NukYvnUEQ3QIgdBLFSTSiDt0UJaDF6St2"
             "bkUQuVHW6fQbONd731/M4nc=",
        kid="d919375fc1e7b6b2",
    ),
    # common/2DCode/raw/CO19.json: protected header empty, kid (and alg) unprotected: VALID.
    "CO19": dict(
        clock="2021-05-03T20:00:00+02:00",
        qr="HC1:NCFOXNRTS3DHEN8.NTO$M6RQ02OTNLQI6%%5OGIDCJ 2B:X9WECV$IKQCAQCCV4*XUA2P9FH.+HTNI.TIY73263DFV$1AB6"
           "96B5TCMH+TYGIXJAJKSI8CZJC:NK*NI26JK%208KUIIQHS-IJ$FAZVBXZJTKBT5A.ES$XISMI-%32JB:NI+7JUCI1NJ$B07*1"
           "-V9NVP.SA0T932QDKBJZILDB57ABYIPZA 1JQEDK8CD/SRMCBVCPED6HTRYDSMCSBDZJCREDXJC2HT.*T3VCM.C49D2ECZED0"
           "DJZEB9ET%N3T+37:LS7B9UBGZIQBJ4OIMEDTJCJKDLEDL9C9N0*969L6-96QW6U46Q3QR$P2OIC0JVLA8J3ET3:H3A+2+33U "
           "SAAUOT3TPTO4UBZIC0JKQTRQ6Q+M3+L IMXDRHJUXYO1HG2Y9WH9P8Q/KPP4FCH1GZEPEEQK9FWP51AJI5-V90C9G%5TW5A 6"
           "YO6XL69/9-3AKI60%MLEQX76SW6BSH98BPMTS8HFY2:VCKZU V2W+T7C8A+3+0CY%B*PE.0PLOJE*N6*4TPPX06S+NQSUHBSC"
           ":BGMBEO9OZUD 97/T5/9S+KH%6N/R+%JTFJR40D%OY4",
        cert="MIIBWjCCAQCgAwIBAgIFAOa4cqUwCgYIKoZIzj0EAwIwEDEOMAwGA1UEAwwFRUMtTWUwHhcNMjEwNTAzMTgwMDAwWhcNMjEw"
             "NjAyMTgwMDAwWjAQMQ4wDAYDVQQDDAVFQy1NZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOvXLWh355U4dWEx0xK91M13"
             "zrM8sCLX1kFo24X6wZU3chKU0M3ij1twcSFViBA7s+qkvAtHo9T3MM8O73WVNJujRzBFMA4GA1UdDwEB/wQEAwIFoDAzBgNV"
             "HSUELDAqBgwrBgEEAQCON49lAQEGDCsGAQQBAI43j2UBAgYMKwYBBAEAjjePZQEDMAoGCCqGSM49BAMCA0gAMEUCIQCg+qOK"
             "2AgTkE6dW+gLmKklEgWCDo/0VXp5M995ZtnNkwIgETKQefh+sSrhsY3siqIEYvLuQyuUwcAqxrurxq7ubH0=",
        kid="20a5ac66f91becf5",
    ),
    # CO21: kid correct in the protected header, a wrong one ('foo') unprotected: VALID.
    "CO21": dict(
        clock="2021-05-03T20:00:00+02:00",
        qr="HC1:NCFOXN%TS3DHDWK41JA2P4CVL0BA.Q*NM6ALWATQI6%%5OGIDCJ 2B:X9WECV$IKQCAQCCV4*XUA2P9FH.+HTNI.TIY7326"
           "3DFV$1AB696B5TCMH+TYGIXJAJKSI8CZJC:NK*NI26JK%208KUIIQHS-IJ$FAZVBXZJTKBT5A.ES$XISMI-%32JB:NI+7JUCI"
           "1NJ$B07*1-V9NVP.SA0T932QDKBJZILDB57ABYIPZA 1JQEDK8CD/SRMCBVCPED6HTRYDSMCSBDZJCREDXJC2HT.*T3VCM.C4"
           "9D2ECZED0DJZEB9ET%N3T+37:LS7B9UBGZIQBJ4OIMEDTJCJKDLEDL9C9N0*969L6-96QW6U46Q3QR$P2OIC0JVLA8J3ET3:H"
           "3A+2+33U SAAUOT3TPTO4UBZIC0JKQTRQ6Q+M3+L IMXDRHJUXYO1HG2Y9WH9P8Q/KPP4FCH1GZEPEEQK9FWP51AJI5-V90C"
           "9G%5TW5A 6YO6XL69/9-3AKI60%MLEQX76SW6BSH%7CMLD9ESG0WNRBQ:9EM2%NJ.9KO3MHEWXGBY0OP8NU 5O.LMH6S+MY+"
           "VUUJ ZIJD93P5ZD6BVPJQMU7TK+FBT5GBW VODKH4:3UDFY10BZTU1",
        cert="MIIBVzCB/6ADAgECAgQa5OdvMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIxMDYw"
             "MjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ6Vg42Uy8bOND2vCUhdTdHrg7D"
             "JeMxwijTcvB9O2RsxC1U8tLQnwQHqYtmAffPqMDxFcsIBqg33GEjIYZbzH5ao0cwRTAOBgNVHQ8BAf8EBAMCBaAwMwYDVR0l"
             "BCwwKgYMKwYBBAEAjjePZQEBBgwrBgEEAQCON49lAQIGDCsGAQQBAI43j2UBAzAKBggqhkjOPQQDAgNHADBEAiBl8zwsqu/R"
             "q+/1yl3Y2V6lAJBe+/hDSTJC7RrB5QFBEAIgX/NBVNOdXyrmspLFGLPEbtC7d+j2iV+AAPNuO87Inrk=",
        kid="80da1f68d247ead4",
    ),
    # CO22: a wrong kid ('foo') protected, the correct one unprotected: INVALID (protected wins).
    "CO22": dict(
        clock="2021-05-03T20:00:00+02:00",
        qr="HC1:NCFOXNXTSQDICA7A18 92N19DCSF8R:Y5DBVTNLQI6%%5OGIDCJ 2B:X9WECV$IKQCAQCCV4*XUA2P9FH.+HTNI.TIY7326"
           "3DFV$1AB696B5TCMH+TYGIXJAJKSI8CZJC:NK*NI26JK%208KUIIQHS-IJ$FAZVBXZJTKBT5A.ES$XISMI-%32JB:NI+7JUCI"
           "1NJ$B07*1-V9NVP.SA0T932QDKBJZILDB57ABYIPZA 1JQEDK8CD/SRMCBVCPED6HTRYDSMCSBDZJCREDXJC2HT.*T3VCM.C4"
           "9D2ECZED0DJZEB9ET%N3T+37:LS7B9UBGZIQBJ4OIMEDTJCJKDLEDL9C9N0*969L6-96QW6U46Q3QR$P2OIC0JVLA8J3ET3:H"
           "3A+2+33U SAAUOT3TPTO4UBZIC0JKQTRQ6Q+M3+L IMXDRHJUXYO1HG2Y9WH9P8Q/KPP4FCH1GZEPEEQK9FWP51AJI5-V90C"
           "9G%5TW5A 6YO6XL69/9-3AKI60%MLEQX76SW6BSH67AV9SYHE$ASI-V7R9$VEG6GSVMJOEMXB35J/IF0.S3.2YJ2*$E%6JV0W"
           "Z4WYTU3BMW6WU/5QRMH SV2U$T9L8IRCF8 A+M731R7QE7K6GMT5-J",
        cert="MIIBWjCCAQCgAwIBAgIFALfdIeIwCgYIKoZIzj0EAwIwEDEOMAwGA1UEAwwFRUMtTWUwHhcNMjEwNTAzMTgwMDAwWhcNMjEw"
             "NjAyMTgwMDAwWjAQMQ4wDAYDVQQDDAVFQy1NZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPmyh80saEnzozJpaDHPYDDE"
             "t0WdiEz5QRiLZjy51MrC0WUhiyLmyJZbDTQmAIB0b/y2zem6QMUlLBcmfLj6sWqjRzBFMA4GA1UdDwEB/wQEAwIFoDAzBgNV"
             "HSUELDAqBgwrBgEEAQCON49lAQEGDCsGAQQBAI43j2UBAgYMKwYBBAEAjjePZQEDMAoGCCqGSM49BAMCA0gAMEUCIQDUPUdh"
             "5rpCifj08jBsc7rN/E8nX/SAXbDOdRQvtxiN0wIgMEA53N34LPuhumSu0xiv0FZr27YVIx37sL6K5/qJAkU=",
        kid="7b8ed2eb20849bbf",
    ),
    # CO5: the signature is the three bytes 'foo': INVALID.
    "CO5": dict(
        clock="2021-05-03T18:00:00+00:00",
        qr="HC1:NCFTW2MVPYUO433*EH/:3F.RZS8%2L9GJMZDYVBH%Q3IBTY55.HI5MWREGQQIJ94 IVG28+0W4CVH15IO332:6F67S$BUA$R"
           "7GV7ES%FFN3STYO1THF7RDUF/X4Z5O+51N4M*XJG2WL397PV/74WAC-YEAHUFJRGWJN+1KHN.IJ4Z90RBB11R73 $LD:C CO%Z"
           "THMK/%QDDMZ9IVO9P69/PGU5M.42L 5M+R3MSXBVK%0Q/G9L6KQQC1A.*SB3MWWI*H9M$K*K0D1A%:O/*Q$WF$D8$IBL8MXK7N"
           "*E6H9GBCR*DDFCV/LRRSX$PHDE2QV F6TM2/MLO%PC%EB20 OO9W0ELEC*KP8E:UR 962O5GVJ2CL*8EOEUL3K4NT*T6UGLTC6"
           "8ZJHD3%HE83B*0O/$RTN6HS8OEILI6P$9SY3%J5/71ZZDHC1SY5P6C%T22:DN$6COO5$26CRGCW.TQZ9P65WAYPRAD",
        cert="MIIBWjCCAQCgAwIBAgIFAMZpVOQwCgYIKoZIzj0EAwIwEDEOMAwGA1UEAwwFRUMtTWUwHhcNMjEwNTAzMTgwMDAwWhcNMjEw"
             "NjAyMTgwMDAwWjAQMQ4wDAYDVQQDDAVFQy1NZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABL7dV3VWcCudWO+1RmqTwnc/"
             "MPHAl2T1Tr+9rYpmcrIactTsyeIaM3WpXQPcxFm6h/ZWjz/U00FyQCmRlVx2k+GjRzBFMA4GA1UdDwEB/wQEAwIFoDAzBgNV"
             "HSUELDAqBgwrBgEEAQCON49lAQEGDCsGAQQBAI43j2UBAgYMKwYBBAEAjjePZQEDMAoGCCqGSM49BAMCA0gAMEUCICb5xUpB"
             "/T6uXm7ZgvOp2d3oWEYwLIyAlCohPhgJifoIAiEA6dPyP0xnES/Rx4fXFuuXLWbAF8o5Jx6iiySELyEulig=",
        kid="c740251b7fa768b9",
    ),
}


def dcc(name):
    vector = DCC[name]
    der = base64.b64decode(vector["cert"])
    kid = hashlib.sha256(der).digest()[:8]
    assert kid.hex() == vector["kid"]  # the DCC kid rule, and a check on the transcription
    keys = {kid: x509.load_der_x509_certificate(der).public_key()}
    return vector["qr"], keys, dt.datetime.fromisoformat(vector["clock"])


def test_it_reads_a_real_eu_digital_covid_certificate():
    qr, keys, clock = dcc("AT-1")
    claims = pc.decode(qr, prefix="HC1:", keys=keys, now=clock)
    assert claims[1] == "AT" and claims[6] == 1620324000 and claims[4] == 1635876000
    hcert = claims[-260][1]
    assert hcert["nam"]["fn"] == "Musterfrau-Gößinger" and hcert["v"][0]["mp"] == "EU/1/20/1528"
    assert b45decode(qr[4:])[:1] == b"\x78"  # the DCC is zlib-compressed
    with pytest.raises(pc.ExpiredError):
        pc.decode(qr, prefix="HC1:", keys=keys, now=dt.datetime(2021, 11, 3, tzinfo=UTC))
    with pytest.raises(pc.PrefixError):
        pc.decode(qr, prefix="FX1:", keys=keys, now=clock)


@pytest.mark.parametrize("name", ["CO19", "CO21"])
def test_it_finds_the_dcc_kid_where_the_test_data_says(name):
    qr, keys, clock = dcc(name)
    claims = pc.decode(qr, prefix="HC1:", keys=keys, now=clock)
    assert claims[1] == "AT" and claims[-260][1]["t"][0]["tt"] == "LP6464-4"


def test_it_lets_a_wrong_protected_dcc_kid_win_over_a_correct_unprotected_one():
    qr, keys, clock = dcc("CO22")
    with pytest.raises(pc.UnknownKidError):
        pc.decode(qr, prefix="HC1:", keys=keys, now=clock)


def test_it_rejects_the_dcc_with_a_broken_signature():
    qr, keys, clock = dcc("CO5")
    with pytest.raises(pc.SignatureError):
        pc.decode(qr, prefix="HC1:", keys=keys, now=clock)


def test_it_reads_a_dcc_shaped_certificate_made_by_pycose():
    """HC1 as the DCC specification builds it, by pycose: protected {1: -7, 4: kid}, zlib, Base45."""
    claims = {1: "CN", 6: 1648771200, 4: 1680307200,
              -260: {1: {"ver": "1.3.0", "nam": {"fnt": "ZHANG<SAN"}, "dob": "1990-01-01"}}}
    message = Sign1Message(phdr={Algorithm: Es256, KID: ES_KID}, uhdr={}, payload=cbor2.dumps(claims))
    message.key = pycose_key("ES256")
    qr = "HC1:" + b45encode(zlib.compress(message.encode(tag=True), 9))
    assert pc.decode(qr, prefix="HC1:", keys=KEYS, now=NOW) == claims

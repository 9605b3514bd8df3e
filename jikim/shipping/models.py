"""Orders, their recipients and senders (personal data, through the vault), shipments,
import batches, saved column mappings and API keys."""

from __future__ import annotations

from django.db import models

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.vault.fields import PersonalDataField, SubjectField


class Marketplace(models.TextChoices):
    SMARTSTORE = "smartstore", "네이버 스마트스토어"
    COUPANG = "coupang", "쿠팡"
    ESM = "esm", "G마켓·옥션(ESM)"
    ELEVENST = "11st", "11번가"
    GENERIC = "generic", "기타(직접 지정한 양식)"
    API = "api", "연동(API)"


class Order(models.Model):
    # Every index below starts with the tenant, so the foreign key needs none of its own.
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="orders", db_index=False
    )
    marketplace = models.CharField("판매처", max_length=20)
    order_no = models.CharField("주문번호", max_length=60)
    product_order_no = models.CharField("상품주문번호", max_length=120)
    product_name = models.CharField("상품명", max_length=300, blank=True)
    option = models.CharField("옵션", max_length=300, blank=True)
    quantity = models.PositiveIntegerField("수량", default=1)
    amount = models.BigIntegerField("금액", null=True, blank=True)
    ordered_at = models.DateTimeField("주문일시", null=True, blank=True)
    paid_at = models.DateTimeField("결제일시", null=True, blank=True)
    status = models.CharField("주문상태", max_length=40, blank=True)
    # A keyed hash of everything imported for this line: the same file twice changes nothing.
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "marketplace", "product_order_no"], name="one_order_line"
            )
        ]
        # The search box looks numbers up in both columns (a seller has a marketplace's
        # product-order number at hand more often than its marketplace), and the order list
        # pages newest first: without these, PostgreSQL reads every order of the seller.
        indexes = [
            models.Index(fields=["tenant", "order_no"], name="order_no_lookup"),
            models.Index(fields=["tenant", "product_order_no"], name="product_order_no_lookup"),
            models.Index(fields=["tenant", "ordered_at", "id"], name="orders_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace}:{self.product_order_no}"

    @property
    def marketplace_label(self) -> str:
        try:
            return str(Marketplace(self.marketplace).label)
        except ValueError:
            return self.marketplace


class PartyRole(models.TextChoices):
    RECIPIENT = "recipient", "수취인"
    SENDER = "sender", "발송인"


class Party(models.Model):
    """A recipient or sender of an order: one data subject with its own data key."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    subject = SubjectField(prefix="r")
    name = PersonalDataField("이름", category="recipient.name", blind_indexes=("name",))
    phone1 = PersonalDataField(
        "연락처1", category="recipient.phone", blind_indexes=("phone", "last4")
    )
    phone2 = PersonalDataField(
        "연락처2", category="recipient.phone", blind_indexes=("phone", "last4")
    )
    postcode = PersonalDataField("우편번호", category="recipient.postcode")
    address_base = PersonalDataField("기본주소", category="recipient.address")
    address_detail = PersonalDataField("상세주소", category="recipient.address")
    message = PersonalDataField("배송메시지", category="recipient.delivery_message")
    customs_code = PersonalDataField("개인통관고유부호", category="recipient.customs_code")
    legacy_postcode = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "role"], name="one_party_per_role")]

    def __str__(self) -> str:
        return f"{self.role} of {self.order_id}"


class Shipment(models.Model):
    """Where the parcel is. The retention clock of the recipient starts from these dates."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment")
    courier = models.CharField("택배사", max_length=40, blank=True)
    tracking_no = models.CharField("송장번호", max_length=40, blank=True)
    shipped_at = models.DateTimeField("발송일시", null=True, blank=True)
    delivered_at = models.DateTimeField("배송완료일시", null=True, blank=True)
    purchase_confirmed_at = models.DateTimeField("구매확정일시", null=True, blank=True)

    def __str__(self) -> str:
        return f"shipment of {self.order_id}"


class BatchStatus(models.TextChoices):
    RECEIVED = "received", "분석 중"
    NEEDS_MAPPING = "needs_mapping", "열 지정 필요"
    PREVIEWED = "previewed", "확인 대기"
    COMMITTING = "committing", "저장 중"
    COMMITTED = "committed", "저장 완료"
    REFUSED = "refused", "거부됨"
    CANCELLED = "cancelled", "취소됨"
    EXPIRED = "expired", "만료됨"


class ImportBatch(models.Model):
    """One uploaded file on its way in: analysed, previewed, then committed as a whole.

    The decrypted upload waits in `staged`, sealed under the batch's own data key; once
    previewed, the batch keeps its analysed rows there instead of the file (staging.py),
    so the commit does not parse it again. Either is shredded as soon as the batch is
    committed, cancelled or expires. The file's password is never kept.
    """

    # What an analysis writes (the mapping too: a seller's saved one may have fitted).
    REPORT_FIELDS = (
        "mapping",
        "status",
        "format_id",
        "format_name",
        "marketplace",
        "total_rows",
        "valid_rows",
        "new_rows",
        "updated_rows",
        "unchanged_rows",
        "rejected_rows",
        "identifiers_masked",
        "problems",
        "progress",
    )

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = SubjectField(prefix="b")
    staged = PersonalDataField(category="upload.staged")
    filename = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, default="file")
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default="received")
    format_id = models.CharField(max_length=40, blank=True)
    format_name = models.CharField(max_length=80, blank=True)
    marketplace = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    new_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    identifiers_masked = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_message = models.CharField(max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"


class ColumnMapping(models.Model):
    """A tenant's saved mapping for a file layout jikim does not know (generic xlsx/CSV)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="column_mappings")
    name = models.CharField("이름", max_length=60)
    mapping = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="one_mapping_name")]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A tenant's key for the order push API. Only a hash is kept; the key is shown once."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField("이름", max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    hashed = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CourierLayout(models.Model):
    """A tenant's adjusted column list for a courier whose official upload layout is unknown."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="courier_layouts")
    layout_id = models.CharField(max_length=40)
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "layout_id"], name="one_layout_override")
        ]

    def __str__(self) -> str:
        return self.layout_id


class ParcelLine(models.Model):
    """One order line of a combined parcel (합포장): the courier sheet wrote the lines of one
    order going to one recipient as one row, echoing the first line's 상품주문번호, and the
    tracking number the courier prints against it belongs to every line of the parcel.

    Kept rather than worked out again when the result file comes back: by then the seller
    may have imported the order again, a line may have been tracked by hand, or a sheet
    may have been made with combining off, and only what the sheet actually held says
    which lines share the box. Holds no personal data (two order rows and a moment); it
    goes with its lines (CASCADE) and with their recipient when that is destroyed
    (``retention.duesql.delete_parties``). The latest sheet holding a line decides its
    parcel: a newer sheet replaces the older membership of every line it holds.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="parcel_line")
    # The line whose 상품주문번호 the sheet printed for the whole parcel (itself included).
    head = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "head"], name="parcel_by_head")]

    def __str__(self) -> str:
        return f"line {self.order_id} in parcel of {self.head_id}"

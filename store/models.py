"""Import every model so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""
from store.accounts.models import Address, Role, User  # noqa: F401
from store.accounts.auth_models import RecoveryCode, TwoFactor, UserSession  # noqa: F401
from store.admin.audit.models import AuditLog  # noqa: F401
from store.alerts.models import StockAlert  # noqa: F401
from store.cart.models import Cart, CartLine  # noqa: F401
from store.catalog.models import (  # noqa: F401
    Allergen, AllergenSource, Category, CategoryPicture, CategorySlugRedirect, Product, ProductImage,
    ProductIngredient, ProductKind, ProductStatus, ProductWarningVersion, Variant,
)
from store.guides.models import (  # noqa: F401
    Guide, GuideFAQ, GuideProduct, GuideReference, GuideStatus, GuideStep, Tag,
)
from store.inventory.models import MovementKind, StockMovement, StockReceipt, StockReceiptLine  # noqa: F401
from store.media.models import MediaBlob, Picture, Rendition  # noqa: F401
from store.orders.models import Order, OrderEvent, OrderLine, Refund, RefundLine, WebhookEvent  # noqa: F401
from store.pages.models import ContactMessage, PageVersion  # noqa: F401
from store.pricing.models import (  # noqa: F401
    DiscountCode, DiscountRedemption, ShippingMethod, ShippingZone, ShippingZoneCountry, TaxRate,
)
from store.reviews.models import Review, ReviewInvitation, ReviewReport  # noqa: F401
from store.safety.models import (  # noqa: F401
    ClaimOverride, ClaimTerm, Disclaimer, DisclaimerKind, ProblemReport,
)
from store.catalog.facets import ProductFacet  # noqa: F401
from store.search.models import SearchDocument, SearchSynonym, SearchWord  # noqa: F401
from store.outbox.models import OutboxMessage  # noqa: F401
from store.wishlists.models import WishlistItem  # noqa: F401

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The procedure catalog of one center: the fields (lĩnh vực) and the
/// procedures (thủ tục hành chính) a citizen can start at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Catalog {
    /// Fields in the order the kiosk shows them.
    pub fields: Vec<Field>,
    /// Procedures in the order the kiosk shows them within their field.
    pub procedures: Vec<Procedure>,
}

/// A field of procedures, e.g. `ho-tich` / "Hộ tịch".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Field {
    /// Stable machine code, lowercase ASCII with dashes, e.g. `chung-thuc`.
    pub code: String,
    /// Name shown to the citizen, e.g. "Chứng thực".
    pub name: String,
}

/// One administrative procedure as the center offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Procedure {
    /// National procedure code (`ma_thu_tuc`), e.g. `1.001193`.
    pub code: String,
    /// Name of the procedure, e.g. "Đăng ký khai sinh".
    pub name: String,
    /// Code of the [`Field`] it belongs to.
    pub field: String,
    /// One or two plain sentences on what the procedure is for.
    pub summary: String,
    /// Dossier components (thành phần hồ sơ) the citizen hands in.
    pub components: Vec<Component>,
    /// Statutory processing time.
    pub processing: ProcessingTime,
    /// How the fee (lệ phí) is computed.
    pub fee: FeeRule,
    /// The legal basis of the fee, shown beside it.
    pub fee_basis: String,
    /// Where the citizen collects the result.
    pub result_place: String,
}

/// A numbered dossier component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Component {
    /// Stable id within the procedure, e.g. `to-khai`.
    pub id: String,
    /// What the citizen brings, in plain words.
    pub name: String,
    /// A short clarification ("bản chính", "nếu có"…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the dossier is incomplete without it.
    pub required: bool,
}

/// Statutory processing time of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProcessingTime {
    /// Resolved the same working day; dossiers received after `cutoff`
    /// (`HH:MM`, local time) are resolved the next working day.
    SameDay {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cutoff: Option<String>,
    },
    /// Resolved within this many working days.
    WorkingDays { days: u32 },
}

/// How a procedure's fee is computed. Amounts are whole đồng (VND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeeRule {
    /// No fee; `condition` says when that holds ("khi đăng ký đúng hạn").
    Free {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
    /// One amount per dossier.
    Flat { amount: u32 },
    /// An amount per copy requested.
    PerCopy { amount: u32 },
    /// Per page of each copy: `first_price` for each of the first
    /// `first_pages` pages, `rest_price` for each page after them, at most
    /// `max_per_copy` for one copy.
    PerPage {
        first_pages: u32,
        first_price: u32,
        rest_price: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_per_copy: Option<u32>,
    },
}

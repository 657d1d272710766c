//! The MIIT filing verification SMS (工信部备案短信核验), from seed 002: who receives the
//! verification SMS for each filing type, and the state of each message so the app can show a
//! 24-hour countdown.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::Text;

/// The source id (assets/sources.toml) of the MIIT filing verification SMS rules below.
pub const SOURCE: &str = "miit-sms-check";
pub const CODE_DIGITS: u32 = 6;
pub const DEADLINE_HOURS: i64 = 24;
pub const MAX_RESENDS: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilingType {
    First,
    NewSite,
    Access,
    ChangeSubject,
    ChangeSite,
    ChangeBoth,
    CancelAccess,
    DeregisterSubject,
    DeregisterSite,
}

impl FilingType {
    pub const ALL: [FilingType; 9] = [
        FilingType::First,
        FilingType::NewSite,
        FilingType::Access,
        FilingType::ChangeSubject,
        FilingType::ChangeSite,
        FilingType::ChangeBoth,
        FilingType::CancelAccess,
        FilingType::DeregisterSubject,
        FilingType::DeregisterSite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilingType::First => "first",
            FilingType::NewSite => "new-site",
            FilingType::Access => "access",
            FilingType::ChangeSubject => "change-subject",
            FilingType::ChangeSite => "change-site",
            FilingType::ChangeBoth => "change-both",
            FilingType::CancelAccess => "cancel-access",
            FilingType::DeregisterSubject => "deregister-subject",
            FilingType::DeregisterSite => "deregister-site",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Who must verify, per the table in seed 002.
    pub fn roles(self) -> &'static [Responsible] {
        use Responsible::{Site, Subject};
        match self {
            FilingType::First | FilingType::ChangeBoth => &[Subject, Site],
            FilingType::NewSite | FilingType::Access | FilingType::ChangeSite | FilingType::DeregisterSite => &[Site],
            FilingType::ChangeSubject | FilingType::DeregisterSubject => &[Subject],
            FilingType::CancelAccess => &[],
        }
    }
}

/// 主体负责人 (the filing subject's responsible person) or 网站负责人 (the site's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Responsible {
    Subject,
    Site,
}

impl Responsible {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "subject" => Some(Responsible::Subject),
            "site" => Some(Responsible::Site),
            _ => None,
        }
    }

    pub fn label(self) -> Text {
        match self {
            Responsible::Subject => Text::new("主体负责人", "subject's responsible person"),
            Responsible::Site => Text::new("网站负责人", "site's responsible person"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recipient {
    pub role: Responsible,
    pub phone: String,
}

/// One verification SMS: the MIIT sends one per distinct phone number.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub phone: String,
    pub roles: Vec<Responsible>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IcpPlan {
    pub filing_type: FilingType,
    #[serde(skip)]
    pub subject_phone: Option<String>,
    #[serde(skip)]
    pub site_phone: Option<String>,
    pub recipients: Vec<Recipient>,
    pub messages: Vec<Message>,
    pub sms_count: usize,
    pub code_digits: u32,
    pub deadline_hours: i64,
    pub max_resends: u32,
    pub notes: Vec<Text>,
    pub source: String,
}

/// A mainland mobile number, folded to its 11 digits (spaces, dashes and +86 removed).
pub fn normalize_mobile(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
    let ok = digits.len() == 11
        && digits.starts_with('1')
        && digits.chars().nth(1).is_some_and(|c| ('3'..='9').contains(&c))
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then(|| digits.to_string())
}

impl IcpPlan {
    pub fn new(filing_type: FilingType, subject_phone: Option<&str>, site_phone: Option<&str>) -> Result<IcpPlan> {
        let phone_for = |role: Responsible, given: Option<&str>| -> Result<Option<String>> {
            let Some(given) = given.filter(|p| !p.trim().is_empty()) else {
                return Ok(None);
            };
            normalize_mobile(given).map(Some).ok_or_else(|| {
                Error::input(
                    format!("{}手机号 `{given}` 不是有效的中国大陆手机号", role.label().zh),
                    format!("the {} phone `{given}` is not a valid mainland mobile number", role.label().en),
                )
            })
        };
        let subject_phone = phone_for(Responsible::Subject, subject_phone)?;
        let site_phone = phone_for(Responsible::Site, site_phone)?;

        let mut recipients = Vec::new();
        for &role in filing_type.roles() {
            let phone = match role {
                Responsible::Subject => subject_phone.clone(),
                Responsible::Site => site_phone.clone(),
            };
            let Some(phone) = phone else {
                let flag = match role {
                    Responsible::Subject => "--subject-phone",
                    Responsible::Site => "--site-phone",
                };
                return Err(Error::input(
                    format!("{} 类型的备案需要{}的手机号（{flag}）", filing_type.as_str(), role.label().zh),
                    format!("a {} filing needs the {} phone ({flag})", filing_type.as_str(), role.label().en),
                ));
            };
            recipients.push(Recipient { role, phone });
        }

        let mut messages: Vec<Message> = Vec::new();
        for r in &recipients {
            match messages.iter_mut().find(|m| m.phone == r.phone) {
                Some(m) => m.roles.push(r.role),
                None => messages.push(Message { phone: r.phone.clone(), roles: vec![r.role] }),
            }
        }

        let notes = notes(filing_type, &messages);
        Ok(IcpPlan {
            filing_type,
            subject_phone,
            site_phone,
            sms_count: messages.len(),
            recipients,
            messages,
            code_digits: CODE_DIGITS,
            deadline_hours: DEADLINE_HOURS,
            max_resends: MAX_RESENDS,
            notes,
            source: crate::sources::cite(SOURCE),
        })
    }
}

fn notes(filing_type: FilingType, messages: &[Message]) -> Vec<Text> {
    if filing_type == FilingType::CancelAccess {
        return vec![Text::new("取消接入没有短信核验环节。", "Cancelling access has no SMS verification step.")];
    }
    let mut notes = vec![
        Text::new(
            "核验短信只发送到备案信息中负责人的手机号，不发送到应急联系手机号。",
            "The SMS goes only to the responsible person's phone in the filing, never to the emergency contact.",
        ),
        Text::new(
            format!(
                "验证码为 {CODE_DIGITS} 位数字；须在收到短信 {DEADLINE_HOURS} 小时内登录工信部备案管理系统，填写验证码、手机号和证件号码后 6 位完成核验，超时备案将被管局退回。"
            ),
            format!(
                "The code has {CODE_DIGITS} digits; within {DEADLINE_HOURS} hours of receiving it, enter it with the phone number and the last 6 characters of the ID number in the MIIT filing system, or the filing is returned."
            ),
        ),
        Text::new(
            format!("收不到短信时最多可重发 {MAX_RESENDS} 次，第 3 次重发不再生效。"),
            format!("A missing SMS can be resent at most {MAX_RESENDS} times; a third resend has no effect."),
        ),
        Text::new(
            "每次接入商将备案上报管局，都需要重新完成短信核验。",
            "Every time the provider submits the filing to the authority, the verification must be done again.",
        ),
    ];
    if messages.iter().any(|m| m.roles.len() > 1) {
        notes.push(Text::new(
            "主体负责人与网站负责人使用同一手机号（以手机号为判断标准），只会收到一条核验短信。",
            "The subject and site persons share one phone number, so only one SMS is sent (the phone number decides).",
        ));
    }
    if filing_type == FilingType::Access {
        notes.push(Text::new(
            "若网站负责人更换了手机号，需先在备案当前所在接入商处变更手机号，再提交接入备案。",
            "If the site person's phone changed, change it at the current provider first, then file the access.",
        ));
    }
    notes
}

// ---------------------------------------------------------------------------------------------
// Tracking

/// What the store keeps for one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageState {
    pub phone: String,
    pub first_sent_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub resends_used: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Not sent yet: the filing has not reached the authority.
    Waiting,
    Sent,
    Verified,
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcpEvent {
    Sent,
    Resent,
    Verified,
}

impl IcpEvent {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sent" => Some(IcpEvent::Sent),
            "resent" => Some(IcpEvent::Resent),
            "verified" => Some(IcpEvent::Verified),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TrackedMessage {
    #[serde(flatten)]
    pub state: MessageState,
    pub roles: Vec<Responsible>,
    pub status: MessageStatus,
    /// `first_sent_at` + 24 h. Counted from the first SMS: a resend brings a new code, but
    /// counting from the first one is the safe reading of seed 002.
    pub deadline: Option<DateTime<Utc>>,
    pub seconds_left: Option<i64>,
    pub resends_left: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct IcpTracker {
    pub plan: IcpPlan,
    pub messages: Vec<TrackedMessage>,
    pub now: DateTime<Utc>,
}

impl IcpTracker {
    pub fn new(plan: IcpPlan, states: Vec<MessageState>, now: DateTime<Utc>) -> IcpTracker {
        let messages = plan
            .messages
            .iter()
            .map(|m| {
                let state = states.iter().find(|s| s.phone == m.phone).cloned().unwrap_or(MessageState {
                    phone: m.phone.clone(),
                    first_sent_at: None,
                    verified_at: None,
                    resends_used: 0,
                });
                track(state, m.roles.clone(), now)
            })
            .collect();
        IcpTracker { plan, messages, now }
    }

    /// Applies an event to the message that `role` receives; returns the state to store.
    pub fn record(&mut self, role: Responsible, event: IcpEvent, at: DateTime<Utc>) -> Result<MessageState> {
        let Some(message) = self.messages.iter_mut().find(|m| m.roles.contains(&role)) else {
            return Err(Error::input(
                format!("该备案类型不需要{}核验", role.label().zh),
                format!("this filing type needs no verification by the {}", role.label().en),
            ));
        };
        let mut state = message.state.clone();
        match event {
            IcpEvent::Sent => {
                if state.first_sent_at.is_none() {
                    state.first_sent_at = Some(at);
                }
            }
            IcpEvent::Resent => {
                if state.first_sent_at.is_none() {
                    return Err(Error::input(
                        "短信还未发送，不能重发",
                        "the SMS has not been sent yet, so it cannot be resent",
                    ));
                }
                if state.resends_used >= MAX_RESENDS {
                    return Err(Error::input(
                        format!("已重发 {MAX_RESENDS} 次，再重发也不会生效"),
                        format!("already resent {MAX_RESENDS} times; a further resend has no effect"),
                    ));
                }
                state.resends_used += 1;
            }
            IcpEvent::Verified => {
                let Some(sent) = state.first_sent_at else {
                    return Err(Error::input("短信还未发送，无法核验", "the SMS has not been sent yet"));
                };
                if at > sent + Duration::hours(DEADLINE_HOURS) {
                    return Err(Error::input(
                        "已超过 24 小时核验期限，备案会被退回，请重新提交备案",
                        "the 24-hour deadline has passed; the filing will be returned: submit it again",
                    ));
                }
                state.verified_at = Some(at);
            }
        }
        *message = track(state.clone(), message.roles.clone(), self.now);
        Ok(state)
    }
}

fn track(state: MessageState, roles: Vec<Responsible>, now: DateTime<Utc>) -> TrackedMessage {
    let deadline = state.first_sent_at.map(|t| t + Duration::hours(DEADLINE_HOURS));
    let status = match (state.verified_at, deadline) {
        (Some(_), _) => MessageStatus::Verified,
        (None, None) => MessageStatus::Waiting,
        (None, Some(d)) if now > d => MessageStatus::Expired,
        (None, Some(_)) => MessageStatus::Sent,
    };
    let seconds_left = match status {
        MessageStatus::Sent => deadline.map(|d| (d - now).num_seconds().max(0)),
        _ => None,
    };
    TrackedMessage {
        resends_left: MAX_RESENDS.saturating_sub(state.resends_used),
        state,
        roles,
        status,
        deadline,
        seconds_left,
    }
}

//! Documents in a bucket of any S3-API object store, so that several
//! stateless server instances sharing one database serve the same files.
//!
//! Requests are path-style (`ENDPOINT/BUCKET/PREFIX/SHA256`) and signed with
//! AWS Signature Version 4 ([`sigv4`]) using the body's SHA-256 as
//! `x-amz-content-sha256`. A 5xx or a network error is retried (three
//! attempts in all, 200 ms then 800 ms apart); a 404 is "not there".
//! Errors name the HTTP status and the object's short hash, never a
//! credential.

use std::fmt;
use std::io;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::future::BoxFuture;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode, Url};
use sha2::{Digest, Sha256};

use crate::Secret;
use crate::tokens::hex;
use crate::uploads::{ObjectStore, is_sha256, short};

/// Environment variable holding the access key id.
pub const ENV_S3_ACCESS_KEY: &str = "AWS_ACCESS_KEY_ID";
/// Environment variable holding the secret access key.
pub const ENV_S3_SECRET_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// Attempts per request (the first and two retries).
pub const S3_ATTEMPTS: u32 = 3;

/// Where and as whom the bucket is reached.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host[:port]` of the S3 API, without a path.
    pub endpoint: Url,
    pub region: String,
    pub bucket: String,
    /// Key prefix without leading or trailing `/` (may be empty).
    pub prefix: String,
    pub access_key: String,
    pub secret_key: Secret,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint.as_str())
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Why an S3 setting was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum S3ConfigError {
    #[error("the object store must be s3://BUCKET[/prefix], got {0:?}")]
    NotS3(String),
    #[error(
        "bucket name {0:?}: 3 to 63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit"
    )]
    Bucket(String),
    #[error("prefix {0:?}: only letters, digits and - _ . / are allowed")]
    Prefix(String),
    #[error("S3 endpoint {0:?} must be an http or https URL without a path")]
    Endpoint(String),
    #[error("S3 region {0:?}: lowercase letters, digits and dashes")]
    Region(String),
    #[error("{0} is not set or empty")]
    Credential(&'static str),
}

impl S3Config {
    /// `s3://BUCKET[/prefix]`, the endpoint, the region and the credentials
    /// read by `env` ([`ENV_S3_ACCESS_KEY`], [`ENV_S3_SECRET_KEY`]).
    pub fn parse(
        objects: &str,
        endpoint: &str,
        region: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, S3ConfigError> {
        let rest = objects
            .strip_prefix("s3://")
            .ok_or_else(|| S3ConfigError::NotS3(objects.to_owned()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && bucket
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && bucket
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(S3ConfigError::Bucket(bucket.to_owned()));
        }
        let prefix = prefix.trim_matches('/');
        if !prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
            || prefix.split('/').any(|s| s == ".." || s == ".")
            || prefix.contains("//")
        {
            return Err(S3ConfigError::Prefix(prefix.to_owned()));
        }
        let bad_endpoint = || S3ConfigError::Endpoint(endpoint.to_owned());
        let url = Url::parse(endpoint.trim()).map_err(|_| bad_endpoint())?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.path() != "/"
            || url.query().is_some()
            || !url.username().is_empty()
        {
            return Err(bad_endpoint());
        }
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(S3ConfigError::Region(region.to_owned()));
        }
        let credential = |name: &'static str| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or(S3ConfigError::Credential(name))
        };
        Ok(Self {
            endpoint: url,
            region: region.to_owned(),
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            access_key: credential(ENV_S3_ACCESS_KEY)?,
            secret_key: Secret::new(credential(ENV_S3_SECRET_KEY)?),
        })
    }
}

/// An [`ObjectStore`] in an S3-API bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    config: S3Config,
    http: reqwest::Client,
}

/// One signed request's answer.
struct Answer {
    status: StatusCode,
    body: Bytes,
}

impl S3Store {
    pub fn new(config: S3Config) -> io::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(io::Error::other)?;
        Ok(Self { config, http })
    }

    /// The path of the bucket (`/BUCKET`) or of an object in it.
    fn path(&self, sha256: Option<&str>) -> String {
        let mut p = format!("/{}", self.config.bucket);
        if let Some(sha) = sha256 {
            if !self.config.prefix.is_empty() {
                p.push('/');
                p.push_str(&self.config.prefix);
            }
            p.push('/');
            p.push_str(sha);
        }
        p
    }

    /// Sends one signed request, retrying 5xx and network errors.
    async fn send(&self, method: Method, path: &str, body: Bytes) -> io::Result<Answer> {
        let mut url = self.config.endpoint.clone();
        url.set_path(path);
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(io::Error::other("S3 endpoint has no host")),
        };
        let payload = hex(&Sha256::digest(&body));
        let mut last = None;
        for attempt in 0..S3_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * 4u64.pow(attempt - 1))).await;
            }
            let amz_date = amz_date(time::OffsetDateTime::now_utc());
            let headers = [
                ("host", host.as_str()),
                ("x-amz-content-sha256", payload.as_str()),
                ("x-amz-date", amz_date.as_str()),
            ];
            let auth = sigv4::authorization(&sigv4::Request {
                method: method.as_str(),
                path,
                query: "",
                headers: &headers,
                payload_sha256: &payload,
                amz_date: &amz_date,
                region: &self.config.region,
                service: "s3",
                access_key: &self.config.access_key,
                secret_key: self.config.secret_key.expose(),
            });
            let sent = self
                .http
                .request(method.clone(), url.clone())
                .header("x-amz-content-sha256", &payload)
                .header("x-amz-date", &amz_date)
                .header("authorization", auth)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(resp) if resp.status().is_server_error() => {
                    tracing::warn!(status = resp.status().as_u16(), attempt, "S3 server error");
                    last = Some(io::Error::other(format!(
                        "S3 {method} answered {}",
                        resp.status()
                    )));
                }
                Ok(resp) => {
                    let status = resp.status();
                    match resp.bytes().await {
                        Ok(body) => return Ok(Answer { status, body }),
                        Err(e) => {
                            tracing::warn!(error = %e, attempt, "S3 answer cut off");
                            last = Some(io::Error::other(format!("S3 {method}: {e}")));
                        }
                    }
                }
                Err(e) => {
                    let e = e.without_url();
                    tracing::warn!(error = %e, attempt, "S3 unreachable");
                    last = Some(io::Error::other(format!("S3 {method}: {e}")));
                }
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("S3: no attempt made")))
    }

    fn refused(what: &str, sha256: &str, a: &Answer) -> io::Error {
        // An S3 error body is XML naming the code; it holds no document bytes.
        let code = std::str::from_utf8(&a.body)
            .ok()
            .and_then(|b| b.split_once("<Code>"))
            .and_then(|(_, rest)| rest.split_once("</Code>"))
            .map(|(c, _)| c.to_owned())
            .unwrap_or_default();
        io::Error::other(format!(
            "S3 {what} {} answered {} {code}",
            short(sha256),
            a.status
        ))
    }

    /// Creates the bucket (for tests and first setup); an existing bucket
    /// owned by these credentials is fine.
    pub async fn create_bucket(&self) -> io::Result<()> {
        // Outside us-east-1 the region is named in the body.
        let body = if self.config.region == "us-east-1" {
            Bytes::new()
        } else {
            Bytes::from(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.config.region
            ))
        };
        let a = self.send(Method::PUT, &self.path(None), body).await?;
        if a.status.is_success() || a.status == StatusCode::CONFLICT {
            Ok(())
        } else {
            Err(Self::refused("create bucket", "", &a))
        }
    }

    /// Checks that the bucket answers to these credentials.
    pub async fn check(&self) -> io::Result<()> {
        let a = self
            .send(Method::HEAD, &self.path(None), Bytes::new())
            .await?;
        if a.status.is_success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "S3 bucket {:?} answered {}",
                self.config.bucket, a.status
            )))
        }
    }

    fn checked(sha256: &str) -> io::Result<()> {
        if is_sha256(sha256) {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256 in lowercase hex",
            ))
        }
    }
}

impl ObjectStore for S3Store {
    fn put<'a>(&'a self, sha256: &'a str, bytes: Bytes) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(async move {
            Self::checked(sha256)?;
            let a = self
                .send(Method::PUT, &self.path(Some(sha256)), bytes)
                .await?;
            if a.status.is_success() {
                Ok(())
            } else {
                Err(Self::refused("PUT", sha256, &a))
            }
        })
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Bytes>>> {
        Box::pin(async move {
            Self::checked(sha256)?;
            let a = self
                .send(Method::GET, &self.path(Some(sha256)), Bytes::new())
                .await?;
            match a.status {
                s if s.is_success() => Ok(Some(a.body)),
                StatusCode::NOT_FOUND => Ok(None),
                _ => Err(Self::refused("GET", sha256, &a)),
            }
        })
    }

    fn exists<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<bool>> {
        Box::pin(async move {
            Self::checked(sha256)?;
            let a = self
                .send(Method::HEAD, &self.path(Some(sha256)), Bytes::new())
                .await?;
            match a.status {
                s if s.is_success() => Ok(true),
                StatusCode::NOT_FOUND => Ok(false),
                _ => Err(Self::refused("HEAD", sha256, &a)),
            }
        })
    }
}

/// `YYYYMMDDTHHMMSSZ`.
fn amz_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// AWS Signature Version 4, the header form.
pub mod sigv4 {
    use super::{Digest, Hmac, Mac, Sha256, hex};

    /// What is signed.
    #[derive(Debug, Clone, Copy)]
    pub struct Request<'a> {
        pub method: &'a str,
        /// The absolute path, not yet URI-encoded.
        pub path: &'a str,
        /// The canonical query string (already sorted and encoded), or "".
        pub query: &'a str,
        /// The headers to sign: lowercase names, values as sent.
        pub headers: &'a [(&'a str, &'a str)],
        /// Lowercase hex SHA-256 of the body (also sent as
        /// `x-amz-content-sha256`).
        pub payload_sha256: &'a str,
        /// `YYYYMMDDTHHMMSSZ`, as sent in `x-amz-date`.
        pub amz_date: &'a str,
        pub region: &'a str,
        pub service: &'a str,
        pub access_key: &'a str,
        pub secret_key: &'a str,
    }

    /// Each byte but the unreserved ones (and `/`) as `%XX`.
    pub fn uri_encode_path(path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes a key of any length: new_from_slice cannot fail.
        let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
            Ok(m) => m,
            Err(_) => return Vec::new(),
        };
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    /// The canonical request (step 1).
    pub fn canonical_request(r: &Request<'_>) -> String {
        let mut headers: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|(n, v)| {
                let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
                (n.to_ascii_lowercase(), value)
            })
            .collect();
        headers.sort();
        let canonical: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
        let signed = signed_headers(&headers);
        format!(
            "{}\n{}\n{}\n{canonical}\n{signed}\n{}",
            r.method,
            uri_encode_path(r.path),
            r.query,
            r.payload_sha256
        )
    }

    fn signed_headers(sorted: &[(String, String)]) -> String {
        sorted
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The `Authorization` header's value.
    pub fn authorization(r: &Request<'_>) -> String {
        let date = r.amz_date.get(..8).unwrap_or(r.amz_date);
        let scope = format!("{date}/{}/{}/aws4_request", r.region, r.service);
        let canonical = canonical_request(r);
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
            r.amz_date,
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let k_date = hmac(format!("AWS4{}", r.secret_key).as_bytes(), date.as_bytes());
        let k_region = hmac(&k_date, r.region.as_bytes());
        let k_service = hmac(&k_region, r.service.as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        let signature = hex(&hmac(&k_signing, to_sign.as_bytes()));
        let mut names: Vec<String> = r
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={},Signature={signature}",
            r.access_key,
            names.join(";")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's documented example "GET Object" (Signature Version 4,
    /// header-based authentication, Amazon S3 API reference): the first 10
    /// bytes of `test.txt` in `examplebucket`, 24 May 2013.
    #[test]
    fn the_signer_reproduces_the_documented_get_object_example() {
        let empty = hex(&Sha256::digest(b""));
        assert_eq!(
            empty,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let headers = [
            ("host", "examplebucket.s3.amazonaws.com"),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", empty.as_str()),
            ("x-amz-date", "20130524T000000Z"),
        ];
        let r = sigv4::Request {
            method: "GET",
            path: "/test.txt",
            query: "",
            headers: &headers,
            payload_sha256: &empty,
            amz_date: "20130524T000000Z",
            region: "us-east-1",
            service: "s3",
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        };
        assert_eq!(
            sigv4::canonical_request(&r),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
             x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sigv4::authorization(&r),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        // Any change to what is signed changes the signature.
        let other = sigv4::Request {
            path: "/test.txT",
            ..r
        };
        assert!(!sigv4::authorization(&other).ends_with("6bdb41"));
    }

    #[test]
    fn paths_are_encoded_byte_by_byte() {
        assert_eq!(
            sigv4::uri_encode_path("/a b/\u{1ea3}~.-_"),
            "/a%20b/%E1%BA%A3~.-_"
        );
    }

    #[test]
    fn amz_dates_are_utc_and_fixed_width() {
        let t = time::macros::datetime!(2026-01-02 03:04:05 +07:00);
        assert_eq!(amz_date(t), "20260101T200405Z");
    }

    fn env(name: &str) -> Option<String> {
        match name {
            ENV_S3_ACCESS_KEY => Some("AKID".to_owned()),
            ENV_S3_SECRET_KEY => Some("secret".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn settings_are_parsed_and_refused_precisely() {
        let c = S3Config::parse(
            "s3://ho-so.tinh/docs/2026/",
            "http://127.0.0.1:9000",
            "ap-southeast-1",
            env,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.bucket.as_str(), c.prefix.as_str()),
            ("ho-so.tinh", "docs/2026")
        );
        let store = S3Store::new(c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store.path(Some("ab")),
            "/ho-so.tinh/docs/2026/ab",
            "path-style with the prefix"
        );
        let ok = |o: &str, e: &str, r: &str| S3Config::parse(o, e, r, env).map(|_| ());
        assert_eq!(ok("s3://bucket", "https://s3.example.vn", "x"), Ok(()));
        assert!(matches!(
            ok("/srv/objects", "http://h", "r"),
            Err(S3ConfigError::NotS3(_))
        ));
        assert!(matches!(
            ok("s3://Bucket", "http://h", "r"),
            Err(S3ConfigError::Bucket(_))
        ));
        assert!(matches!(
            ok("s3://bucket/../x", "http://h", "r"),
            Err(S3ConfigError::Prefix(_))
        ));
        assert!(matches!(
            ok("s3://bucket", "ftp://h", "r"),
            Err(S3ConfigError::Endpoint(_))
        ));
        assert!(matches!(
            ok("s3://bucket", "http://h/path", "r"),
            Err(S3ConfigError::Endpoint(_))
        ));
        assert!(matches!(
            ok("s3://bucket", "http://h", ""),
            Err(S3ConfigError::Region(_))
        ));
        let no_secret = S3Config::parse("s3://bucket", "http://h", "r", |n| {
            (n == ENV_S3_ACCESS_KEY).then(|| "AKID".to_owned())
        });
        assert_eq!(
            no_secret.map(|_| ()),
            Err(S3ConfigError::Credential(ENV_S3_SECRET_KEY))
        );
        let shown = format!(
            "{:?}",
            S3Config::parse("s3://bucket", "http://h", "r", env).unwrap_or_else(|e| panic!("{e}"))
        );
        assert!(
            !shown.contains("secret") && !shown.contains("AKID"),
            "{shown}"
        );
    }
}

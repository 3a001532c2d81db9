//! Outgoing HTTP for programs with the `network` effect: wasmtime's wasi:http, behind an
//! allow-list of the hosts the program declares with `network(host=..)`. A request to any
//! other host fails inside the program with `HTTP-request-denied`, not with a crash.

use http_body_util::BodyExt;
use std::future::Future;
use wasmtime_wasi_http::{Error, RequestOptions, Result, WasiBody, WasiHttpHooks};

/// Which hosts requests may go to, and where some of them really are.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    /// Lower-case host names, or `*.domain` for a domain's subdomains; `None` lets every host
    /// through (a program that declares `network` without a host, or a component without source).
    pub hosts: Option<Vec<String>>,
    /// `--resolve HOST=ADDRESS`: requests to HOST (allowed as HOST) are sent to ADDRESS
    /// (`127.0.0.1:8080`), as curl's `--resolve` does; the Host header still names HOST.
    pub resolve: Vec<(String, String)>,
}

/// `HOST=ADDRESS` for `--resolve` (ADDRESS: `ip:port` or `name:port`).
pub fn parse_resolve(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((host, addr)) if !host.is_empty() && addr.contains(':') => {
            Ok((host.to_ascii_lowercase(), addr.to_string()))
        }
        _ => Err(format!("`{text}` is not HOST=ADDRESS:PORT, e.g. api.example.com=127.0.0.1:8080")),
    }
}

impl AllowList {
    /// The allow-list for a program's declared hosts (`Compilation::network_hosts`).
    pub fn for_program(declared: Option<&[String]>) -> AllowList {
        match declared {
            Some(hosts) if !hosts.iter().any(String::is_empty) => {
                AllowList { hosts: Some(hosts.to_vec()), resolve: vec![] }
            }
            _ => AllowList { hosts: None, resolve: vec![] },
        }
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let Some(hosts) = &self.hosts else { return true };
        hosts.iter().any(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            match h.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == h,
            }
        })
    }
}

impl WasiHttpHooks for AllowList {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn Future<Output = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>)>>
            + Send,
    > {
        _ = fut;
        let host = request.uri().host().unwrap_or_default().to_ascii_lowercase();
        let allowed = self.allows(&host);
        let mut request = request;
        if let Some((_, addr)) = self.resolve.iter().find(|(h, _)| *h == host) {
            redirect(&mut request, addr);
        }
        Box::new(async move {
            if !allowed {
                return Err(Error::HttpRequestDenied);
            }
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((response.map(BodyExt::boxed_unsync), Box::new(io) as Box<dyn Future<Output = _> + Send>))
        })
    }
}

/// Sends the request to `addr` instead of its URL's host, keeping the Host header.
fn redirect(request: &mut http::Request<WasiBody>, addr: &str) {
    let uri = request.uri().clone();
    if let Some(authority) = uri.authority().cloned()
        && let Ok(value) = http::HeaderValue::from_str(authority.as_str())
    {
        request.headers_mut().entry(http::header::HOST).or_insert(value);
    }
    let mut parts = uri.into_parts();
    if let Ok(to) = addr.parse::<http::uri::Authority>() {
        parts.authority = Some(to);
        if let Ok(uri) = http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly_or_as_subdomains() {
        let list = AllowList::for_program(Some(&["api.example.com".into(), "*.test.org".into(), "::1".into()]));
        assert!(list.allows("api.example.com") && list.allows("API.Example.com"));
        assert!(!list.allows("example.com") && !list.allows("api.example.com.evil.net"));
        assert!(list.allows("a.test.org") && list.allows("a.b.test.org") && !list.allows("test.org"));
        assert!(list.allows("[::1]"));
        assert!(AllowList::for_program(Some(&["".into()])).allows("anything"));
        assert!(AllowList::for_program(None).allows("anything"));
        assert_eq!(
            parse_resolve("API.example.com=127.0.0.1:80"),
            Ok(("api.example.com".into(), "127.0.0.1:80".into()))
        );
        assert!(parse_resolve("api.example.com").is_err() && parse_resolve("=1.2.3.4:5").is_err());
    }
}

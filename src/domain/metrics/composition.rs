//! Composition of the council on one date: seats, non-partisan share,
//! largest party, and effective numbers of parties.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::Deputy;
use super::stats::{enp_from_counts, ratio};
use super::value::{MetricValue, NullReason};

/// Composition metrics on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CompositionMetrics {
    /// The date of the snapshot: `min(to, as_of)` on the local calendar.
    pub date: NaiveDate,
    /// Deputies serving on `date` (n = the same); null when none serves (no roster covers
    /// the date), like every other composition metric.
    pub seats: MetricValue,
    /// Deputies with no party ÷ seats.
    pub non_partisan_share: MetricValue,
    /// The largest party's members ÷ seats.
    pub largest_party_share: MetricValue,
    /// `1 / Σ p²` with each non-partisan deputy as a group of one.
    pub enp_seats: MetricValue,
    /// `1 / Σ p²` with all non-partisans as one group.
    pub enp_seats_bloc: MetricValue,
}

/// Composition of the council formed by `deputies` on `date`.
pub fn composition_on<'a>(deputies: impl IntoIterator<Item = &'a Deputy>, date: NaiveDate) -> CompositionMetrics {
    let mut seats = 0_u64;
    let mut non_partisan = 0_u64;
    let mut by_party: BTreeMap<&str, u64> = BTreeMap::new();
    for deputy in deputies.into_iter().filter(|d| d.serves_on(date)) {
        seats += 1;
        match deputy.party_on(date) {
            Some(party) => *by_party.entry(party).or_default() += 1,
            None => non_partisan += 1,
        }
    }
    let largest = by_party.values().copied().max().unwrap_or(0);
    let parties: Vec<u64> = by_party.values().copied().collect();

    let mut individual = parties.clone();
    individual.extend(std::iter::repeat_n(1, usize::try_from(non_partisan).unwrap_or(0)));
    let mut bloc = parties;
    bloc.push(non_partisan);

    let reason = NullReason::NoSeats;
    CompositionMetrics {
        date,
        seats: if seats == 0 { MetricValue::null(reason, 0) } else { MetricValue::known(seats as f64, seats, reason) },
        non_partisan_share: MetricValue::from_option(ratio(non_partisan, seats), seats, reason),
        largest_party_share: MetricValue::from_option(ratio(largest, seats), seats, reason),
        enp_seats: MetricValue::from_option(enp_from_counts(&individual), seats, reason),
        enp_seats_bloc: MetricValue::from_option(enp_from_counts(&bloc), seats, reason),
    }
}

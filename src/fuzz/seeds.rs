//! The seed scenarios the fuzzer mutates: an inline network, a network in CSV files, a
//! generated one (with its city list), and one with the shop.

/// An explicit network given inline: three centres, an outlet each.
const INLINE: &str = r#"name = "fz_inline"
seed = 3
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 300
peak_days = [1]
peak_multiplier = 1.5

[operations.sorting]
shifts = [{ start = "17:00", hours = 12 }]
automation = "manual"

[operations.delivery]
waves = ["08:30", "13:30"]
failure_rate = 0.05

[costs]
courier_pay_per_delivery = 1.2
outlet_per_day = 600

[[vehicles]]
name = "van"
capacity = 1500
fixed_cost = 60
cost_per_km = 1.5

[[vehicles]]
name = "truck"
capacity = 6000
fixed_cost = 200
cost_per_km = 4.5

[operations.linehaul]
default_vehicle = "truck"

[[network.nodes]]
id = "A-C"
kind = "centre"
lines = 1

[[network.nodes]]
id = "B-C"
kind = "centre"
lines = 1

[[network.nodes]]
id = "A-O"
kind = "outlet"
weight = 2.0
area_km2 = 30
couriers = 4

[[network.nodes]]
id = "B-O"
kind = "outlet"
weight = 1.0
couriers = 3

[[network.lanes]]
from = "A-O"
to = "A-C"
distance_km = 12

[[network.lanes]]
from = "A-C"
to = "A-O"
distance_km = 12

[[network.lanes]]
from = "B-O"
to = "B-C"
distance_km = 15

[[network.lanes]]
from = "B-C"
to = "B-O"
distance_km = 15

[[network.lanes]]
from = "A-C"
to = "B-C"
distance_km = 180
departures = ["22:00"]

[[network.lanes]]
from = "B-C"
to = "A-C"
distance_km = 180
"#;

/// The same kind of network in CSV files.
const CSV_SCENARIO: &str = r#"name = "fz_csv"
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 250

[network]
nodes_file = "nodes.csv"
lanes_file = "lanes.csv"
"#;

const NODES_CSV: &str = "id,kind,weight,area_km2,couriers,lines,sorting
X-C,centre,,,,1,manual
Y-C,centre,,,,1,
X-O,outlet,1.5,25,3,,
Y-O,outlet,1,,2,,
";

const LANES_CSV: &str = "from,to,distance_km,hours,vehicle,max_vehicles,departures
X-O,X-C,10,,,,
X-C,X-O,10,,,,
Y-O,Y-C,20,,,,
Y-C,Y-O,20,,,,
X-C,Y-C,300,,,2,22:00 04:00
Y-C,X-C,300,5,,,
";

/// A network generated from a city list.
const GENERATED: &str = r#"name = "fz_generated"
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 400
intra_city_share = 0.2

[network.generate]
cities_file = "cities.csv"
max_cities = 3
hubs = 2
parcels_per_outlet = 2700
direct_lanes_above = 100

[operations.sorting]
automation = "by_volume"
"#;

const CITIES_CSV: &str = "city,province,region,lat,lon,population_m,urban_area_km2,ecommerce_weight
Hangzhou,Zhejiang,East,30.27,120.15,12.2,1000,10
Shanghai,Shanghai,East,31.23,121.47,24.9,2000,20
Nanjing,Jiangsu,East,32.06,118.80,9.3,900,6
Hefei,Anhui,Central,31.82,117.23,9.4,800,3
";

/// The inline network with the shop's side.
fn shop_scenario() -> String {
    INLINE.replace("name = \"fz_inline\"", "name = \"fz_shop\"")
        + r#"
[shop]
products = 5
initial_stock = 20
reorder_point = 5
order_quantity = 30
lead_time_hours = 24
packers = 2
carrier_policy = "cheapest"

[[shop.carriers]]
name = "other"
price = 5.5
price_per_1000km = 0.5
expected_hours = 40
share = 1

[[shop.packaging]]
name = "bag"
share = 1
cost = 0.1
protection = 1
"#
}

/// A seed: the scenario file and the files it names, by name.
#[derive(Debug, Clone)]
pub struct Seed {
    /// (name, text) of the scenario file, first, and of the files it names.
    pub files: Vec<(String, String)>,
}

/// The seeds every case starts from.
pub fn seeds() -> Vec<Seed> {
    let f = |files: &[(&str, &str)]| Seed {
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };
    let shop = shop_scenario();
    vec![
        f(&[("s.toml", INLINE)]),
        f(&[
            ("s.toml", CSV_SCENARIO),
            ("nodes.csv", NODES_CSV),
            ("lanes.csv", LANES_CSV),
        ]),
        f(&[("s.toml", GENERATED), ("cities.csv", CITIES_CSV)]),
        f(&[("s.toml", &shop)]),
    ]
}

//! The datapath widths the blocks are built at, with every block parameter that follows from
//! the width, named once. A module per width (`w64` ... `w512`) holds the parameters; the
//! type aliases (`NicTop64`, ...) and every width dispatch ([`with_width!`]) read them, so a
//! parameter changes in one place.
//!
//! * `W` data bits, `K = W / 8` bytes (`tkeep` lanes), `N = W / 16` 16-bit words.
//! * TX (`TxEncap`): `TX_A` ring address bits, `TX_HB` outer header register bits.
//! * RX (`RxTop`): `RX_AW` ring address bits, `RX_AB = RX_AW - 2` ring bank row bits,
//!   `RX_Q` decision queue depth.
//! * `*_STD`: the smaller rings of the 1518-byte builds (`NicTop64Std`, ...), where built.

/// 64 bits (10G).
pub mod w64 {
    pub const W: usize = 64;
    pub const K: usize = 8;
    pub const N: usize = 4;
    /// 4096 words: three 9216-byte frames
    pub const TX_A: usize = 12;
    pub const TX_HB: usize = 640;
    /// 2048 beats: jumbo frames
    pub const RX_AW: usize = 11;
    pub const RX_AB: usize = 9;
    pub const RX_Q: usize = 16;
    /// 512 words (iCE40 HX8K)
    pub const TX_A_STD: usize = 9;
    /// 256 beats
    pub const RX_AW_STD: usize = 8;
    pub const RX_AB_STD: usize = 6;
}

/// 128 bits (25G).
pub mod w128 {
    pub const W: usize = 128;
    pub const K: usize = 16;
    pub const N: usize = 8;
    pub const TX_A: usize = 11;
    pub const TX_HB: usize = 640;
    /// 1024 beats
    pub const RX_AW: usize = 10;
    pub const RX_AB: usize = 8;
    pub const RX_Q: usize = 16;
    pub const TX_A_STD: usize = 8;
    /// 128 beats
    pub const RX_AW_STD: usize = 7;
    pub const RX_AB_STD: usize = 5;
}

/// 256 bits.
pub mod w256 {
    pub const W: usize = 256;
    pub const K: usize = 32;
    pub const N: usize = 16;
    pub const TX_A: usize = 10;
    pub const TX_HB: usize = 768;
    /// 512 beats
    pub const RX_AW: usize = 9;
    pub const RX_AB: usize = 7;
    pub const RX_Q: usize = 32;
}

/// 512 bits (100G).
pub mod w512 {
    pub const W: usize = 512;
    pub const K: usize = 64;
    pub const N: usize = 32;
    pub const TX_A: usize = 9;
    pub const TX_HB: usize = 1024;
    /// 256 beats
    pub const RX_AW: usize = 8;
    pub const RX_AB: usize = 6;
    pub const RX_Q: usize = 32;
}

/// `with_width!(width, [64, 128], body, else other)`: `body` with the parameters of the
/// built width `width` in scope (`W`, `K`, `N`, `TX_A`, ...: [`crate::width`]) if `width` is
/// in the list, else `other`. Without a list: every built width (64, 128, 256, 512). The
/// body is instantiated at the listed widths only.
#[macro_export]
macro_rules! with_width {
    ($width:expr, [$($w:tt),+], $body:expr, else $other:expr) => {
        match $width {
            $($w => $crate::__width_arm!($w, $body),)+
            _ => $other,
        }
    };
    ($width:expr, $body:expr, else $other:expr) => {
        $crate::with_width!($width, [64, 128, 256, 512], $body, else $other)
    };
}

/// One arm of [`with_width!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __width_arm {
    (64, $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::width::w64::*;
        $body
    }};
    (128, $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::width::w128::*;
        $body
    }};
    (256, $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::width::w256::*;
        $body
    }};
    (512, $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::width::w512::*;
        $body
    }};
}

/// `at_width!(Block, w64; W, K, N)`: `Block<{ w64::W }, { w64::K }, { w64::N }>`, the type
/// alias of a block at a built width; parameters that do not follow from the width come after
/// a second `;`.
#[macro_export]
macro_rules! at_width {
    ($block:ident, $m:ident; $($p:ident),+) => {
        $block<$({ $crate::width::$m::$p }),+>
    };
    ($block:ident, $m:ident; $($p:ident),+; $($x:expr),+) => {
        $block<$({ $crate::width::$m::$p },)+ $({ $x }),+>
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn dispatch_brings_the_parameters_of_the_width() {
        for w in [64, 128, 256, 512] {
            let (k, n, ab, aw) = with_width!(w, (K, N, RX_AB, RX_AW), else unreachable!());
            assert_eq!((k * 8, n * 16, ab + 2), (w, w, aw));
        }
        for w in [64, 128] {
            let (ab, aw) = with_width!(w, [64, 128], (RX_AB_STD, RX_AW_STD), else unreachable!());
            assert_eq!(ab + 2, aw);
        }
        assert_eq!(with_width!(512, [64, 128], W, else 0), 0);
        assert_eq!(with_width!(128, [64, 128], W, else 0), 128);
    }
}

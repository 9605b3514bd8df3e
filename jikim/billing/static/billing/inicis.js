// Opens KG Inicis' payment window with the signed form. INIStdPay.js itself is loaded from
// Inicis' server where configured; without it the button explains why nothing happens.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("inicis-pay");
  if (!button) return;
  button.addEventListener("click", function () {
    if (window.INIStdPay && typeof window.INIStdPay.pay === "function") {
      window.INIStdPay.pay(button.getAttribute("data-form"));
    } else {
      window.alert("결제 스크립트를 불러오지 못했습니다. 잠시 후 다시 시도하거나 계좌 입금을 이용하세요.");
    }
  });
});

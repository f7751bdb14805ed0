"""Arabic text of Riverbend's demo directory (demo.py), keyed by the English text it translates: department
profiles, what the service types cover, and the permit and licence guides. Place and street names stay in Latin
letters, as in the city pack's arabic.json."""

ARABIC = {
    # Department profiles: what they do, and the office address.
    "Public Works keeps Riverbend's streets, sidewalks, water mains, sewers and storm drains in good repair. Crews "
    "fill potholes, fix water leaks and main breaks, clean drains and plow snow.":
        "تحافظ إدارة الأشغال العامة على شوارع Riverbend وأرصفتها وخطوط المياه الرئيسية وشبكات الصرف ومصارف مياه "
        "الأمطار في حالة جيدة. تردم فرقها الحفر في الطريق، وتصلح تسربات المياه وانكسار الخطوط الرئيسية، وتنظف "
        "المصارف، وتزيل الثلوج.",
    "Public Works Yard\n640 E Railroad Ave\nRiverbend, IL 61899":
        "ساحة الأشغال العامة (Public Works Yard)\n640 E Railroad Ave\nRiverbend, IL 61899",
    "Sanitation collects trash, recycling and bulk items from every household once a week, delivers and repairs "
    "carts, and cleans up dumped trash and dead animals on public land.":
        "تجمع إدارة النظافة النفايات والمواد القابلة للتدوير والأغراض الكبيرة من كل منزل مرة في الأسبوع، وتوصل "
        "الحاويات وتصلحها، وتنظف النفايات المرمية والحيوانات النافقة في الأماكن العامة.",
    "Sanitation Division\n611 E Railroad Ave\nRiverbend, IL 61899":
        "قسم النظافة (Sanitation Division)\n611 E Railroad Ave\nRiverbend, IL 61899",
    "Transportation runs the traffic signals, streetlights, street signs and road markings, and looks after "
    "parking: abandoned vehicles and blocked driveways. It also issues block party permits.":
        "تدير إدارة النقل إشارات المرور وإنارة الشوارع ولافتات الشوارع وعلامات الطريق، وتتولى شؤون الوقوف: "
        "المركبات المهجورة والممرات المسدودة. وتصدر أيضًا تصاريح حفلات الشارع.",
    "Riverbend City Hall, Room 210\n221 N Main St\nRiverbend, IL 61899":
        "مبنى بلدية Riverbend (City Hall)، الغرفة 210\n221 N Main St\nRiverbend, IL 61899",
    "Parks & Forestry looks after Riverbend's parks, playgrounds and the trees along city streets: trimming, "
    "removing dead trees and clearing fallen ones after storms.":
        "تعتني إدارة الحدائق والغابات بحدائق Riverbend وملاعب الأطفال والأشجار على امتداد شوارع المدينة: "
        "التقليم، وإزالة الأشجار الميتة، ورفع الأشجار الساقطة بعد العواصف.",
    "Riverside Park Office\n370 W Mill St\nRiverbend, IL 61899":
        "مكتب حديقة Riverside\n370 W Mill St\nRiverbend, IL 61899",
    "Code Enforcement inspects properties for tall grass, junk, rodents, unsafe vacant buildings, noise and "
    "uncleared sidewalks, and issues fence permits, dog licenses and home business licenses.":
        "تفتش إدارة تطبيق الأنظمة العقارات بحثًا عن العشب الطويل والخردة والقوارض والمباني الشاغرة غير الآمنة "
        "والضوضاء والأرصفة غير المنظفة، وتصدر تصاريح الأسوار وتراخيص الكلاب وتراخيص الأعمال المنزلية.",
    "Riverbend City Hall, Room 120\n221 N Main St\nRiverbend, IL 61899":
        "مبنى بلدية Riverbend (City Hall)، الغرفة 120\n221 N Main St\nRiverbend, IL 61899",
    "The Harlan County Highway Department maintains county roads outside the city: potholes, gravel roads, "
    "ditches and culverts, roadside mowing, signs and snow plowing.":
        "تصون إدارة الطرق في مقاطعة Harlan طرق المقاطعة خارج المدينة: الحفر في الطريق، والطرق الحصوية، "
        "والقنوات والعبّارات، وجزّ العشب على جانب الطريق، واللافتات، وإزالة الثلوج.",
    "Harlan County Highway Garage\n100 Center St\nMillbrook, IL 61898":
        "مرأب الطرق في مقاطعة Harlan\n100 Center St\nMillbrook, IL 61898",
    "Staff training in the afternoon": "تدريب الموظفين بعد الظهر",

    # What each service type covers, and what it does not.
    "Holes and broken pavement in a street or alley that the city or county maintains. Crews fill most potholes "
    "within a few working days; deep ones in a traffic lane first.":
        "الحفر والرصف المكسور في شارع أو زقاق تصونه المدينة أو المقاطعة. تردم الفرق معظم الحفر خلال أيام عمل "
        "قليلة؛ والعميقة منها في مسارات السير أولًا.",
    "Private driveways and parking lots, and state highways (report those to the Illinois Department of "
    "Transportation). A collapsed or sunken street is a *street cave-in*: report that instead.":
        "ممرات السيارات ومواقف السيارات الخاصة، وطرق الولاية السريعة (أبلغ عنها إدارة النقل في ولاية Illinois). "
        "الشارع المنهار أو الهابط هو *انهيار في الشارع*: أبلغ عنه بهذا الاسم.",
    "Your trash cart was at the curb by 6 a.m. on your collection day and was not emptied.":
        "كانت حاوية نفاياتك عند حافة الرصيف قبل 6 صباحًا في يوم الجمع ولم تُفرغ.",
    "Bags or items outside the cart, carts put out late, or collection on a holiday week (it moves one day "
    "later).":
        "الأكياس أو الأغراض خارج الحاوية، والحاويات الموضوعة متأخرة، أو الجمع في أسبوع فيه عطلة (يتأخر يومًا "
        "واحدًا).",
    "A city streetlight that is out, flickers, stays on during the day, or has a damaged pole. Give the pole "
    "number if you can see it.":
        "إنارة شارع تابعة للمدينة معطلة أو تومض أو تبقى مضاءة نهارًا أو عمودها متضرر. اذكر رقم العمود إن "
        "استطعت رؤيته.",
    "Porch and parking lot lights on private property, and wires down: stay away and call 911.":
        "أضواء الشرفات ومواقف السيارات في الأملاك الخاصة، والأسلاك الساقطة: ابتعد عنها واتصل بالرقم 911.",
    "Your recycling cart was out on time on your recycling week and was not emptied.":
        "كانت حاوية إعادة التدوير في مكانها في الموعد خلال أسبوع إعادة التدوير ولم تُفرغ.",
    "Carts with plastic bags or trash inside (they are tagged and left), or glass, which goes to the drop-off "
    "site.":
        "الحاويات التي فيها أكياس بلاستيكية أو نفايات (توضع عليها بطاقة وتُترك)، أو الزجاج الذي يُنقل إلى موقع "
        "التسليم.",
    "Furniture, mattresses or appliances you scheduled for bulk pickup that were left behind.":
        "أثاث أو مراتب أو أجهزة منزلية حددت موعدًا لجمعها ضمن الأغراض الكبيرة ولم تُؤخذ.",
    "Items that were not scheduled, construction debris, tires and paint.":
        "الأغراض التي لم يُحدد لها موعد، ومخلفات البناء، والإطارات، والطلاء.",
    "Trash, tires or debris dumped on public land, in an alley or by a road.":
        "نفايات أو إطارات أو مخلفات مرمية في أرض عامة أو في زقاق أو بجانب طريق.",
    "Dumping on private property: report it as *property maintenance* so the owner is told.":
        "الرمي في ملك خاص: أبلغ عنه على أنه *صيانة عقار* ليُبلَّغ المالك.",
    "A vehicle parked on a public street for more than 7 days in a row, or without license plates.":
        "مركبة متوقفة في شارع عام أكثر من 7 أيام متتالية، أو بلا لوحات.",
    "Vehicles on private property or in private lots, and vehicles blocking your driveway: report that as "
    "*blocked driveway* for a faster visit.":
        "المركبات في الأملاك أو المواقف الخاصة، والمركبات التي تسد ممر سيارتك: أبلغ عنها على أنها *ممر مسدود* "
        "لزيارة أسرع.",
    "Paint or markings on public walls, bridges, signs and utility boxes; the city also removes it from private "
    "walls facing the street when the owner agrees.":
        "الطلاء أو الرسوم على الجدران العامة والجسور واللافتات وصناديق المرافق؛ وتزيلها المدينة أيضًا من الجدران "
        "الخاصة المطلة على الشارع إذا وافق المالك.",
    "Hateful or threatening words: call the police non-emergency line as well.":
        "العبارات التي تحض على الكراهية أو تحمل تهديدًا: اتصل أيضًا بخط الشرطة لغير حالات الطوارئ.",
    "Ongoing noise from music, construction outside 7 a.m.–8 p.m., animals or equipment.":
        "ضوضاء مستمرة من الموسيقى، أو البناء خارج الفترة من 7 صباحًا إلى 8 مساءً، أو الحيوانات، أو المعدات.",
    "A party or fight happening right now at night: call the police non-emergency line.":
        "حفلة أو شجار يحدث الآن ليلًا: اتصل بخط الشرطة لغير حالات الطوارئ.",
    "Snow or ice left on a street or alley after the plows have finished their routes.":
        "ثلج أو جليد باقٍ في شارع أو زقاق بعد أن أنهت الجرافات مساراتها.",
    "Sidewalks, which property owners must clear within 24 hours (report *snow on a sidewalk*), and snow pushed "
    "into your driveway by a plow.":
        "الأرصفة، التي يجب على أصحاب العقارات تنظيفها خلال 24 ساعة (أبلغ عن *ثلج على رصيف*)، والثلج الذي تدفعه "
        "الجرافة إلى ممر سيارتك.",
    "A fallen tree or large branch on a street, sidewalk or public land.":
        "شجرة أو غصن كبير ساقط في شارع أو على رصيف أو في أرض عامة.",
    "Trees on private property, and trees on wires: stay away and call 911 if wires are down.":
        "الأشجار في الأملاك الخاصة، والأشجار الساقطة على الأسلاك: ابتعد واتصل بالرقم 911 إذا سقطت الأسلاك.",
    "Grass or weeds over 8 inches on a private lot or vacant property.":
        "عشب أو أعشاب يزيد طولها على 8 بوصات في قطعة أرض خاصة أو عقار شاغر.",
    "City parks and parkways (report *park maintenance*), and natural areas left to grow on purpose.":
        "حدائق المدينة والأشرطة الخضراء (أبلغ عن *صيانة الحدائق*)، والمناطق الطبيعية المتروكة لتنمو عمدًا.",

    # Permit and licence guides.
    "Fence permit": "تصريح السياج",
    "You need a permit to build or replace a fence over 3 feet tall anywhere on your lot. Fences in front yards "
    "may be at most 4 feet tall; back yards 6 feet.":
        "تحتاج إلى تصريح لبناء سياج أو استبداله إذا زاد ارتفاعه على 3 أقدام في أي مكان من قطعة أرضك. أقصى ارتفاع "
        "للسياج في الفناء الأمامي 4 أقدام، وفي الفناء الخلفي 6 أقدام.",
    "A site plan showing the fence line and your property lines": "مخطط للموقع يبين خط السياج وحدود عقارك",
    "The fence height and material": "ارتفاع السياج ومادته",
    "The owner's signature (if you rent)": "توقيع المالك (إذا كنت مستأجرًا)",
    "Call JULIE (811) to mark buried utilities": "اتصل بـ JULIE (811) لتحديد المرافق المدفونة",
    "Apply online or at City Hall, Room 120": "قدّم الطلب عبر الإنترنت أو في مبنى البلدية، الغرفة 120",
    "Pay the fee": "ادفع الرسم",
    "Build the fence within 6 months and ask for the final inspection": "ابنِ السياج خلال 6 أشهر واطلب الفحص النهائي",
    "Permit and plan review": "التصريح ومراجعة المخطط",
    "Final inspection": "الفحص النهائي",
    "fence, fencing, wall, privacy fence": "سياج، سور، جدار، حاجز",
    "Block party permit": "تصريح حفلة الشارع",
    "Close a residential street for a neighborhood party between 10 a.m. and 10 p.m. Apply at least 3 weeks "
    "before.":
        "أغلق شارعًا سكنيًا لحفلة للجيران بين 10 صباحًا و10 مساءً. قدّم الطلب قبل 3 أسابيع على الأقل.",
    "Signatures of at least two thirds of the households on the block": "توقيعات ثلثي المنازل في المربع السكني على الأقل",
    "The date, times and the block to close": "التاريخ والأوقات والمربع السكني الذي سيُغلق",
    "A contact person who will be there all day": "شخص للتواصل يكون حاضرًا طوال اليوم",
    "Collect your neighbors' signatures": "اجمع توقيعات جيرانك",
    "Send the application to Transportation": "أرسل الطلب إلى إدارة النقل",
    "Pick up the barricades the day before": "استلم الحواجز في اليوم السابق",
    "Permit": "التصريح",
    "Barricade loan (refunded when returned)": "إعارة الحواجز (يُرد المبلغ عند إعادتها)",
    "street party, close street, barricades": "حفلة شارع، إغلاق شارع، حواجز",
    "Dumpster or storage container on the street": "حاوية مخلفات أو تخزين في الشارع",
    "A dumpster, roll-off or moving container that sits on a street, alley or sidewalk needs a right-of-way "
    "permit. On your own driveway it does not.":
        "حاوية المخلفات أو حاوية النقل الموضوعة في شارع أو زقاق أو على رصيف تحتاج إلى تصريح استخدام حرم الطريق. "
        "أما في ممر سيارتك الخاص فلا تحتاج إليه.",
    "The company delivering the container and its certificate of insurance": "الشركة التي توصل الحاوية وشهادة تأمينها",
    "Where it will stand and for how many days": "مكان وضعها وعدد الأيام",
    "Reflective markings or lights on the container": "علامات عاكسة أو أضواء على الحاوية",
    "Apply online or call Public Works": "قدّم الطلب عبر الإنترنت أو اتصل بإدارة الأشغال العامة",
    "Keep the permit on the container": "أبقِ التصريح على الحاوية",
    "Permit, first 7 days": "التصريح، أول 7 أيام",
    "Each extra day": "كل يوم إضافي",
    "dumpster, roll-off, pod, moving container, right of way": "حاوية مخلفات، حاوية نقل، حاوية تخزين، حرم الطريق",
    "Dog license": "ترخيص الكلاب",
    "Every dog over 4 months old living in Riverbend needs a license, renewed each year. The tag helps us bring a "
    "lost dog home.":
        "كل كلب يزيد عمره على 4 أشهر ويعيش في Riverbend يحتاج إلى ترخيص يُجدد كل سنة. تساعدنا القلادة على إعادة "
        "الكلب الضائع إلى بيته.",
    "A current rabies vaccination certificate": "شهادة سارية بالتطعيم ضد داء الكلب",
    "Proof of spaying or neutering, for the lower fee": "ما يثبت التعقيم، للحصول على الرسم المخفض",
    "Put the tag on your dog's collar": "ضع القلادة في طوق كلبك",
    "Spayed or neutered dog, one year": "كلب معقم، سنة واحدة",
    "Other dogs, one year": "الكلاب الأخرى، سنة واحدة",
    "Replacement tag": "قلادة بديلة",
    "dog tag, pet license, rabies": "قلادة الكلب، ترخيص حيوان أليف، داء الكلب",
    "Home business license": "ترخيص الأعمال المنزلية",
    "Running a business from your home needs a license when clients visit, you have an employee who does not live "
    "there, or you store goods for sale. Most online and office work done alone does not.":
        "يحتاج العمل التجاري من منزلك إلى ترخيص إذا كان العملاء يزورونك، أو لديك موظف لا يسكن في المنزل، أو تخزن "
        "بضائع للبيع. أما معظم العمل عبر الإنترنت أو العمل المكتبي الذي تؤديه وحدك فلا يحتاج إليه.",
    "A description of the business and its hours": "وصف للعمل وساعاته",
    "The number of client visits per day": "عدد زيارات العملاء في اليوم",
    "Your Illinois business registration number": "رقم تسجيل عملك في ولاية Illinois",
    "Apply online": "قدّم الطلب عبر الإنترنت",
    "A zoning officer reviews the application": "يراجع موظف تقسيم المناطق الطلب",
    "Pay the fee when approved": "ادفع الرسم عند الموافقة",
    "Renew every year by January 31": "جدّد الترخيص كل سنة قبل 31 يناير",
    "License, first year": "الترخيص، السنة الأولى",
    "Yearly renewal": "التجديد السنوي",
    "home occupation, business from home, zoning": "عمل منزلي، عمل من المنزل، تقسيم المناطق",
}


def with_arabic(texts: dict) -> dict:
    """`texts` (language → text, or language → list of lines) with its Arabic added when known."""
    english = texts.get("en")
    if isinstance(english, list):
        lines = [ARABIC.get(line) for line in english]
        return {**texts, "ar": lines} if all(lines) else dict(texts)
    return {**texts, "ar": ARABIC[english]} if english in ARABIC else dict(texts)
